package dev.stowage.render;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.stowage.domain.port.VariantRenderer;
import dev.stowage.domain.profile.VariantSpec;
import dev.stowage.domain.profile.VariantSpec.Size;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fast renderer: libvips 8.14 ({@code libvips.so.42}) called directly through {@code java.lang.foreign}.
 * Writes JPEG, PNG, WebP and GIF (cgif). Needs {@code --enable-native-access=ALL-UNNAMED}.
 *
 * <p>The header is opened lazily ({@code vips_image_new_from_buffer}) to check the pixel budget before any
 * pixel is decoded; {@code vips_thumbnail_buffer} then decodes with shrink-on-load, applies EXIF orientation,
 * imports CMYK to sRGB and scales; a final {@code vips_resize}/{@code vips_extract_area} corrects any rounding
 * so the size is exactly {@link VariantSpec#outputSize}. Inputs are loaded with {@code fail_on=truncated}: a
 * truncated JPEG is {@code undecodable_image}, as it is for {@link JavaRenderer}. libvips' operation cache is
 * switched off (the input buffer lives only as long as one render) and untrusted loaders are blocked; only
 * JPEG, PNG, GIF and WebP reach libvips at all ({@link SourceFormat}).
 *
 * <p>Thread-safe: libvips is, once {@code vips_init} has run (here once per JVM). Error messages come from
 * libvips' process-wide error buffer, so under concurrency a refusal's detail may mention another render's error.
 */
public final class VipsRenderer implements VariantRenderer {
    private static final Logger LOG = LoggerFactory.getLogger(VipsRenderer.class);
    private static final String LIBRARY = "libvips.so.42";
    private static final Set<String> WRITES = Set.of("jpeg", "png", "webp", "gif");
    private static final List<String> METADATA = List.of("exif-", "xmp-data", "iptc-data", "icc-profile-data",
            "gif-comment", "png-comment", "orientation");
    private static final int SIZE_FORCE = 3; // VipsSize
    private static final int INTERESTING_CENTRE = 1; // VipsInteresting

    private final Native vips;
    private final long maxPixels;

    private VipsRenderer(Native vips, long maxPixels) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, was " + maxPixels);
        }
        this.vips = vips;
        this.maxPixels = maxPixels;
    }

    /** The libvips renderer, or empty (with the reason logged at INFO) where {@code libvips.so.42} does not load. */
    public static Optional<VipsRenderer> load(long maxPixels) {
        return load(maxPixels, LIBRARY);
    }

    static Optional<VipsRenderer> load(long maxPixels, String library) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, was " + maxPixels);
        }
        try {
            return Optional.of(new VipsRenderer(Native.get(library), maxPixels));
        } catch (RuntimeException | LinkageError e) {
            // SymbolLookup says IllegalArgumentException for a library that is not there.
            LOG.info("libvips is not available, {} did not load ({}): {}", library, e.getClass().getSimpleName(),
                    e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public String name() {
        return "libvips";
    }

    @Override
    public boolean writes(String format) {
        return WRITES.contains(format);
    }

    @Override
    public Rendering render(byte[] source, VariantSpec spec) {
        if (!writes(spec.format())) {
            throw new Refused("unsupported_format", "the libvips renderer cannot write " + spec.format());
        }
        SourceFormat format = SourceFormat.sniff(source);
        List<MemorySegment> images = new ArrayList<>();
        // The images read the buffer lazily: unreference them all before the arena frees it.
        try (Arena arena = Arena.ofConfined()) {
            try {
                return render(source, spec, format, arena, images);
            } finally {
                for (MemorySegment image : images) {
                    vips.callVoid(vips.unref, image);
                }
            }
        }
    }

    private Rendering render(byte[] source, VariantSpec spec, SourceFormat format, Arena arena,
            List<MemorySegment> images) {
        MemorySegment buffer = arena.allocate(source.length, 16);
        MemorySegment.copy(source, 0, buffer, JAVA_BYTE, 0, source.length);
        MemorySegment header = vips.call(vips.newFromBuffer, buffer, (long) source.length, arena.allocateFrom(""),
                MemorySegment.NULL);
        if (header.equals(MemorySegment.NULL)) {
            throw new Refused("undecodable_image", "unreadable " + format + " header: " + vips.takeError());
        }
        images.add(header);
        int width = vips.callInt(vips.getWidth, header);
        int height = vips.callInt(vips.getHeight, header);
        if ((long) width * height > maxPixels) {
            throw new Refused("too_many_pixels", width + "x" + height + " is more than " + maxPixels + " pixels");
        }
        boolean swap = Orientation.swapsAxes(vips.callInt(vips.getOrientation, header));
        Size out = spec.outputSize(swap ? height : width, swap ? width : height);

        MemorySegment slot = arena.allocate(ADDRESS);
        MemorySegment options = arena.allocateFrom("fail_on=truncated");
        int shownWidth = swap ? height : width;
        int shownHeight = swap ? width : height;
        java.awt.Rectangle shown = Geometry.shownRegion(spec.fit(), shownWidth, shownHeight, out);
        if (spec.fit() == VariantSpec.Fit.COVER && (out.width() > shown.width || out.height() > shown.height)) {
            // Enlarging: thumbnail's crop would scale the whole image first (1x5000 to 200x1000000) and, reading
            // sequentially, compute all of it. Decode at the source size, crop, then scale the crop.
            MemorySegment whole = take(vips.callInt(vips.thumbnailSize, buffer, (long) source.length, slot, shownWidth,
                    arena.allocateFrom("height"), shownHeight, arena.allocateFrom("size"), SIZE_FORCE,
                    arena.allocateFrom("option_string"), options, MemorySegment.NULL), slot, images);
            whole = exactly(whole, new Size(shownWidth, shownHeight), arena, slot, images);
            MemorySegment crop = take(vips.callInt(vips.extractArea, whole, slot, shown.x, shown.y, shown.width,
                    shown.height, MemorySegment.NULL), slot, images);
            return finish(exactly(crop, out, arena, slot, images), spec, out, arena, slot, images);
        }
        int status = spec.fit() == VariantSpec.Fit.COVER
                ? vips.callInt(vips.thumbnailCrop, buffer, (long) source.length, slot, out.width(),
                        arena.allocateFrom("height"), out.height(), arena.allocateFrom("crop"), INTERESTING_CENTRE,
                        arena.allocateFrom("option_string"), options, MemorySegment.NULL)
                : vips.callInt(vips.thumbnailSize, buffer, (long) source.length, slot, out.width(),
                        arena.allocateFrom("height"), out.height(), arena.allocateFrom("size"), SIZE_FORCE,
                        arena.allocateFrom("option_string"), options, MemorySegment.NULL);
        MemorySegment image = take(status, slot, images);
        return finish(exactly(image, out, arena, slot, images), spec, out, arena, slot, images);
    }

    /** Flattens for JPEG, drops the metadata and encodes. */
    private Rendering finish(MemorySegment image, VariantSpec spec, Size out, Arena arena, MemorySegment slot,
            List<MemorySegment> images) {
        int status;
        if (spec.format().equals("jpeg") && vips.callInt(vips.hasAlpha, image) != 0) {
            MemorySegment white = vips.call(vips.arrayDoubleNew,
                    arena.allocateFrom(JAVA_DOUBLE, 255), 1); // one value: every band
            try {
                status = vips.callInt(vips.flatten, image, slot, arena.allocateFrom("background"), white,
                        MemorySegment.NULL);
            } finally {
                vips.callVoid(vips.areaUnref, white);
            }
            image = take(status, slot, images);
        }
        image = withoutMetadata(image, slot, arena, images);
        byte[] bytes = save(image, spec, arena);
        if (spec.format().equals("webp")) {
            bytes = WebpChunks.withoutMetadata(bytes);
        }
        return new Rendering(bytes, spec.contentType(), out.width(), out.height());
    }

    /**
     * A copy of {@code image} without the metadata savers write: 8.14's {@code webpsave} writes EXIF and XMP
     * even with {@code strip}, so the fields go before any saver sees them.
     */
    private MemorySegment withoutMetadata(MemorySegment image, MemorySegment slot, Arena arena,
            List<MemorySegment> images) {
        MemorySegment copy = take(vips.callInt(vips.copy, image, slot, MemorySegment.NULL), slot, images);
        // Every exif-* field too: savers rebuild an EXIF block from them when exif-data is gone.
        MemorySegment fields = vips.call(vips.getFields, copy);
        try {
            MemorySegment names = fields.reinterpret(Long.MAX_VALUE);
            for (long i = 0; ; i++) {
                MemorySegment name = names.getAtIndex(ADDRESS, i);
                if (name.equals(MemorySegment.NULL)) {
                    break;
                }
                String field = name.reinterpret(1024).getString(0);
                if (METADATA.stream().anyMatch(field::startsWith)) {
                    vips.callInt(vips.remove, copy, arena.allocateFrom(field));
                }
            }
        } finally {
            vips.callVoid(vips.strfreev, fields);
        }
        return copy;
    }

    /** Scales or crops {@code image} to exactly {@code out} where libvips rounded differently. */
    private MemorySegment exactly(MemorySegment image, Size out, Arena arena, MemorySegment slot,
            List<MemorySegment> images) {
        int w = vips.callInt(vips.getWidth, image);
        int h = vips.callInt(vips.getHeight, image);
        if (w == out.width() && h == out.height()) {
            return image;
        }
        if (w >= out.width() && h >= out.height() && (w - out.width() <= 2 && h - out.height() <= 2)) {
            return take(vips.callInt(vips.extractArea, image, slot, (w - out.width()) / 2, (h - out.height()) / 2,
                    out.width(), out.height(), MemorySegment.NULL), slot, images);
        }
        MemorySegment resized = take(vips.callInt(vips.resize, image, slot, (double) out.width() / w,
                arena.allocateFrom("vscale"), (double) out.height() / h, MemorySegment.NULL), slot, images);
        int rw = vips.callInt(vips.getWidth, resized);
        int rh = vips.callInt(vips.getHeight, resized);
        if (rw != out.width() || rh != out.height()) {
            throw new IllegalStateException("libvips resized to " + rw + "x" + rh + " instead of "
                    + out.width() + "x" + out.height());
        }
        return resized;
    }

    private byte[] save(MemorySegment image, VariantSpec spec, Arena arena) {
        MemorySegment data = arena.allocate(ADDRESS);
        MemorySegment length = arena.allocate(JAVA_LONG);
        MemorySegment strip = arena.allocateFrom("strip");
        int quality = Math.clamp(spec.quality(), 1, 100);
        int status = switch (spec.format()) {
            case "jpeg" -> vips.callInt(vips.jpegSave, image, data, length, arena.allocateFrom("Q"), quality, strip, 1,
                    MemorySegment.NULL);
            case "webp" -> vips.callInt(vips.webpSave, image, data, length, arena.allocateFrom("Q"), quality, strip, 1,
                    MemorySegment.NULL);
            case "png" -> vips.callInt(vips.pngSave, image, data, length, strip, 1, arena.allocateFrom("bitdepth"), 8,
                    MemorySegment.NULL);
            case "gif" -> vips.callInt(vips.gifSave, image, data, length, strip, 1, MemorySegment.NULL);
            default -> throw new IllegalStateException("unreachable: " + spec.format());
        };
        if (status != 0) {
            // The pixels are decoded while saving: a truncated or corrupt input fails here.
            throw new Refused("undecodable_image", vips.takeError());
        }
        MemorySegment bytes = data.get(ADDRESS, 0);
        try {
            return bytes.reinterpret(length.get(JAVA_LONG, 0)).toArray(JAVA_BYTE);
        } finally {
            vips.callVoid(vips.gFree, bytes);
        }
    }

    private MemorySegment take(int status, MemorySegment slot, List<MemorySegment> images) {
        if (status != 0) {
            throw new Refused("undecodable_image", vips.takeError());
        }
        MemorySegment image = slot.get(ADDRESS, 0);
        images.add(image);
        return image;
    }

    /** The libvips entry points, looked up and initialised once per JVM. */
    private static final class Native {
        private static volatile Native instance;

        final MethodHandle newFromBuffer;
        final MethodHandle getWidth;
        final MethodHandle getHeight;
        final MethodHandle getOrientation;
        final MethodHandle hasAlpha;
        final MethodHandle thumbnailCrop;
        final MethodHandle thumbnailSize;
        final MethodHandle resize;
        final MethodHandle extractArea;
        final MethodHandle flatten;
        final MethodHandle arrayDoubleNew;
        final MethodHandle areaUnref;
        final MethodHandle jpegSave;
        final MethodHandle webpSave;
        final MethodHandle pngSave;
        final MethodHandle gifSave;
        final MethodHandle copy;
        final MethodHandle remove;
        final MethodHandle getFields;
        final MethodHandle strfreev;
        final MethodHandle unref;
        final MethodHandle gFree;
        final MethodHandle errorBuffer;
        final MethodHandle errorClear;

        /** libvips, initialised by the first successful call; a failed one may be retried (nothing was kept). */
        static Native get(String library) {
            Native n = instance;
            if (n != null && n.library.equals(library)) {
                return n;
            }
            synchronized (Native.class) {
                n = instance;
                if (n == null || !n.library.equals(library)) {
                    n = new Native(library);
                    if (instance == null) {
                        instance = n;
                    }
                }
                return n;
            }
        }

        private final String library;

        private Native(String library) {
            this.library = library;
            // The global arena: libvips stays loaded for the life of the JVM.
            SymbolLookup lib = SymbolLookup.libraryLookup(library, Arena.global());
            Linker linker = Linker.nativeLinker();
            Lookup l = new Lookup(linker, lib.or(linker.defaultLookup()));
            MethodHandle init = l.fixed("vips_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            MethodHandle cacheSetMax = l.fixed("vips_cache_set_max", FunctionDescriptor.ofVoid(JAVA_INT));
            MethodHandle blockUntrusted = l.fixed("vips_block_untrusted_set", FunctionDescriptor.ofVoid(JAVA_INT));
            newFromBuffer = l.variadic("vips_image_new_from_buffer", 3, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS);
            getWidth = l.fixed("vips_image_get_width", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            getHeight = l.fixed("vips_image_get_height", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            getOrientation = l.fixed("vips_image_get_orientation", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            hasAlpha = l.fixed("vips_image_hasalpha", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            thumbnailCrop = l.variadic("vips_thumbnail_buffer", 4, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT,
                    ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
            thumbnailSize = thumbnailCrop; // the same variadic shape: "height", int, "crop"|"size", int, …
            resize = l.variadic("vips_resize", 3, JAVA_INT, ADDRESS, ADDRESS, JAVA_DOUBLE, ADDRESS, JAVA_DOUBLE,
                    ADDRESS);
            extractArea = l.variadic("vips_extract_area", 6, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                    JAVA_INT, ADDRESS);
            flatten = l.variadic("vips_flatten", 2, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
            arrayDoubleNew = l.fixed("vips_array_double_new", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
            areaUnref = l.fixed("vips_area_unref", FunctionDescriptor.ofVoid(ADDRESS));
            jpegSave = l.variadic("vips_jpegsave_buffer", 3, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT,
                    ADDRESS, JAVA_INT, ADDRESS);
            webpSave = l.variadic("vips_webpsave_buffer", 3, JAVA_INT, ADDRESS, ADDRESS,
                    ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);
            pngSave = l.variadic("vips_pngsave_buffer", 3, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT,
                    ADDRESS, JAVA_INT, ADDRESS);
            gifSave = l.variadic("vips_gifsave_buffer", 3, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT,
                    ADDRESS);
            copy = l.variadic("vips_copy", 2, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
            remove = l.fixed("vips_image_remove", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
            getFields = l.fixed("vips_image_get_fields", FunctionDescriptor.of(ADDRESS, ADDRESS));
            strfreev = l.fixed("g_strfreev", FunctionDescriptor.ofVoid(ADDRESS));
            unref = l.fixed("g_object_unref", FunctionDescriptor.ofVoid(ADDRESS));
            gFree = l.fixed("g_free", FunctionDescriptor.ofVoid(ADDRESS));
            errorBuffer = l.fixed("vips_error_buffer", FunctionDescriptor.of(ADDRESS));
            errorClear = l.fixed("vips_error_clear", FunctionDescriptor.ofVoid());
            try (Arena arena = Arena.ofConfined()) {
                if ((int) init.invokeExact(arena.allocateFrom("stowage")) != 0) {
                    throw new IllegalStateException("vips_init failed: " + takeError());
                }
                // Operations are cached by argument: a later render whose buffer reuses a freed address could
                // be answered from the cache with another image. Nothing here repeats an operation anyway.
                cacheSetMax.invokeExact(0);
                // Loaders libvips marks untrusted (ImageMagick, PDF, SVG…) are never used, whatever the bytes.
                blockUntrusted.invokeExact(1);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        MemorySegment call(MethodHandle handle, Object... args) {
            try {
                return (MemorySegment) handle.invokeWithArguments(args);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        int callInt(MethodHandle handle, Object... args) {
            try {
                return (int) handle.invokeWithArguments(args);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        void callVoid(MethodHandle handle, Object... args) {
            try {
                handle.invokeWithArguments(args);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        /** libvips' accumulated error text, cleared. */
        String takeError() {
            MemorySegment text = call(errorBuffer);
            String message = text.equals(MemorySegment.NULL) ? "" : text.reinterpret(4096).getString(0).strip();
            callVoid(errorClear);
            return message.isEmpty() ? "libvips failed without a message" : message.replace('\n', ' ');
        }
    }

    private record Lookup(Linker linker, SymbolLookup symbols) {
        MethodHandle fixed(String name, FunctionDescriptor descriptor) {
            return linker.downcallHandle(find(name), descriptor);
        }

        /** A handle for one shape of a C varargs call: {@code fixedCount} fixed parameters, then the variadic ones. */
        MethodHandle variadic(String name, int fixedCount, MemoryLayout result, MemoryLayout... arguments) {
            return linker.downcallHandle(find(name), FunctionDescriptor.of(result, arguments),
                    Linker.Option.firstVariadicArg(fixedCount));
        }

        private MemorySegment find(String name) {
            return symbols.find(name).orElseThrow(() -> new UnsatisfiedLinkError("no symbol " + name));
        }
    }
}

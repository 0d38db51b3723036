package dev.stowage.render;

import dev.stowage.domain.port.VariantRenderer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks the renderer a process uses: libvips where it loads, the pure-Java one otherwise. */
public final class Renderers {
    private static final Logger LOG = LoggerFactory.getLogger(Renderers.class);

    private Renderers() {}

    /** The libvips renderer when {@code libvips.so.42} loads, else the Java one; logs which at INFO. */
    public static VariantRenderer choose(long maxPixels) {
        VariantRenderer chosen = VipsRenderer.load(maxPixels).<VariantRenderer>map(vips -> vips)
                .orElseGet(() -> java(maxPixels));
        LOG.info("Rendering variants with the {} renderer (at most {} pixels per source)", chosen.name(), maxPixels);
        return chosen;
    }

    /** The pure-Java renderer (ImageIO, TwelveMonkeys, Thumbnailator). */
    public static VariantRenderer java(long maxPixels) {
        return new JavaRenderer(maxPixels);
    }
}

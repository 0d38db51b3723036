package dev.stowage.render;

import dev.stowage.domain.port.VariantRenderer;

/** Fails, never skips, where libvips does not load: CI installs Debian's libvips42. */
class VipsRendererTest extends VariantRendererContract {
    @Override
    VariantRenderer renderer(long maxPixels) {
        return VipsRenderer.load(maxPixels).orElseThrow(() -> new AssertionError(
                "libvips.so.42 did not load (see the INFO log line); install Debian's libvips42"));
    }
}

package dev.stowage.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.port.VariantRenderer;
import org.junit.jupiter.api.Test;

/** Fails, never skips, where libvips does not load: CI installs Debian's libvips42. */
class VipsRendererTest extends VariantRendererContract {
    @Override
    VariantRenderer renderer(long maxPixels) {
        return VipsRenderer.load(maxPixels).orElseThrow(() -> new AssertionError(
                "libvips.so.42 did not load (see the INFO log line); install Debian's libvips42"));
    }

    @Test
    void aMissingLibraryIsNoRendererRatherThanAnError() {
        assertTrue(VipsRenderer.load(BUDGET, "libvips-that-is-not-installed.so.42").isEmpty());
    }

    @Test
    void chooseTakesLibvipsWhereItLoads() {
        assertEquals("libvips", Renderers.choose(BUDGET).name());
    }
}

package dev.stowage.render;

import dev.stowage.domain.port.VariantRenderer;

class JavaRendererTest extends VariantRendererContract {
    @Override
    VariantRenderer renderer(long maxPixels) {
        return Renderers.java(maxPixels);
    }
}

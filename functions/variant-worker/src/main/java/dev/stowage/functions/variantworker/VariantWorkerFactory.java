package dev.stowage.functions.variantworker;

import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.VariantRenderer;
import dev.stowage.domain.port.Variants;
import dev.stowage.domain.profile.Profiles;
import dev.stowage.domain.profile.VariantSpec;
import dev.stowage.domain.variant.RenderVariant;
import dev.stowage.lambda.config.Invalid;
import dev.stowage.lambda.config.VariantSettings;
import dev.stowage.render.Renderers;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** The worker's renderer (libvips when it loads, else pure Java) and its use case. */
@Factory
public class VariantWorkerFactory {

    // @Context: a profile asking for a format this renderer cannot write stops start-up, naming it.
    @Context
    VariantRenderer renderer(VariantSettings settings, Profiles profiles) {
        VariantRenderer renderer = Renderers.choose(settings.maxPixels());
        for (var profile : profiles.all()) {
            for (VariantSpec spec : profile.variants()) {
                if (!renderer.writes(spec.format())) {
                    throw Invalid.setting("stowage.profiles." + profile.name() + ".variants." + spec.name(),
                            "the " + renderer.name() + " renderer cannot write " + spec.format()
                                    + " (libvips can: install it, or on AWS add the libvips layer)");
                }
            }
        }
        return renderer;
    }

    @Singleton
    RenderVariant renderVariant(Assets assets, Variants variants, ObjectStore store, VariantRenderer renderer,
                                Profiles profiles, VariantSettings settings) {
        return new RenderVariant(assets, variants, store, renderer, profiles, settings.lease(), settings.maxAttempts());
    }
}

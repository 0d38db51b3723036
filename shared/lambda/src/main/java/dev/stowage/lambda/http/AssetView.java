package dev.stowage.lambda.http;

import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.asset.ProbeResult;
import dev.stowage.domain.variant.Variant;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An asset as the API shows it: state, what was claimed, what was measured, and its variants. */
@Serdeable
public record AssetView(
        UUID id,
        String profile,
        String state,
        String filename,
        long byteSize,
        String claimedContentType,
        @Nullable String checksumSha256,
        @Nullable Metadata metadata,
        @Nullable String quarantineReason,
        // Serialisation leaves empty values out, so an asset with no variants answers without the key.
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) List<VariantView> variants,
        Instant createdAt,
        Instant updatedAt) {

    /** What probing measured from the bytes. */
    @Serdeable
    public record Metadata(String contentType, String kind, @Nullable Integer width, @Nullable Integer height,
                           @Nullable Integer orientation, @Nullable Long durationMs,
                           @Nullable Boolean hasVideoTrack, @Nullable Boolean hasAudioTrack) {
        public static Metadata of(ProbeResult p) {
            return new Metadata(p.contentType(), p.kind().wire(), p.width(), p.height(), p.orientation(),
                    p.durationMs(), p.hasVideoTrack(), p.hasAudioTrack());
        }
    }

    /** One variant: its state, why it failed, and what its stored rendering is. */
    @Serdeable
    public record VariantView(String name, String state, @Nullable String failureReason,
                              @Nullable String contentType, @Nullable Long byteSize, @Nullable Integer width,
                              @Nullable Integer height) {
        public static VariantView of(Variant v) {
            var r = v.rendition();
            return new VariantView(v.name(), v.state().wire(), v.failureReason().orElse(null),
                    r.map(Variant.Rendition::contentType).orElse(null), r.map(Variant.Rendition::byteSize).orElse(null),
                    r.map(Variant.Rendition::width).orElse(null), r.map(Variant.Rendition::height).orElse(null));
        }
    }

    public static AssetView of(Asset a, List<Variant> variants) {
        return new AssetView(a.id(), a.profile(), a.state().wire(), a.filename(), a.byteSize(),
                a.claimedContentType(), a.checksumSha256().orElse(null), a.probe().map(Metadata::of).orElse(null),
                a.quarantineReason().orElse(null), variants.stream().map(VariantView::of).toList(),
                a.createdAt(), a.updatedAt());
    }
}

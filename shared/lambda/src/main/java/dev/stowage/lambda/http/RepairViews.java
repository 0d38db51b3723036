package dev.stowage.lambda.http;

import static com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.stowage.domain.asset.ReprobeAsset;
import dev.stowage.domain.variant.CancelProcessing;
import dev.stowage.domain.variant.RequeueVariants;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.UUID;

/** The repair routes' bodies (Rindle's {@code reprobe}, {@code requeue_variants}, {@code cancel_processing}). */
public final class RepairViews {
    private RepairViews() {}

    /** {@code POST /v1/assets/{id}/variants/requeue}: which variants; all of the profile's when absent. */
    @Serdeable
    public record RequeueRequest(@Nullable List<String> variantNames) {}

    /** What a requeue looked at and what became of each; every list is present, empty or not. */
    @Serdeable
    public record RequeueView(@JsonInclude(ALWAYS) List<String> selected, @JsonInclude(ALWAYS) List<String> enqueued,
                              @JsonInclude(ALWAYS) List<String> skipped, @JsonInclude(ALWAYS) List<String> errored) {
        public static RequeueView of(RequeueVariants.Report r) {
            return new RequeueView(r.selected(), r.enqueued(), r.skipped(), r.errored());
        }
    }

    /** The variants a cancel stopped and the asset's state afterwards. */
    @Serdeable
    public record CancelView(@JsonInclude(ALWAYS) List<String> cancelled, String assetState) {
        public static CancelView of(CancelProcessing.Report r) {
            return new CancelView(r.cancelled(), r.assetState().wire());
        }
    }

    /** The probe fields before and after, and which changed. */
    @Serdeable
    public record ReprobeView(UUID assetId, @Nullable AssetView.Metadata before, AssetView.Metadata after,
                              @JsonInclude(ALWAYS) List<String> changed) {
        public static ReprobeView of(ReprobeAsset.Report r) {
            return new ReprobeView(r.assetId(), r.before().contentType() == null ? null
                    : AssetView.Metadata.of(r.before()), AssetView.Metadata.of(r.after()), r.changed());
        }
    }
}

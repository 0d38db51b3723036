package dev.stowage.persistence;

import dev.stowage.domain.Principal;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.asset.AssetState;
import dev.stowage.domain.asset.MediaKind;
import dev.stowage.domain.asset.ProbeResult;
import dev.stowage.domain.state.MachineState;
import dev.stowage.domain.upload.PartPlan;
import dev.stowage.domain.upload.UploadSession;
import dev.stowage.domain.upload.UploadState;
import dev.stowage.domain.upload.UploadStrategy;
import dev.stowage.domain.variant.Variant;
import dev.stowage.domain.variant.VariantState;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Maps rows to domain records and back. */
final class Rows {
    private Rows() {}

    static String wires(Set<? extends MachineState<?>> states) {
        return states.stream().map(MachineState::wire).collect(Collectors.joining(","));
    }

    static AssetRow toRow(Asset a) {
        ProbeResult p = a.probe().orElse(null);
        return new AssetRow(a.id(), a.owner().id(), a.profile(), a.state().wire(), a.filename(),
                a.claimedContentType(), a.byteSize(), a.checksumSha256().orElse(null), a.stagingKey(),
                a.storageKey().orElse(null),
                p == null ? null : p.contentType(), p == null ? null : p.kind().wire(),
                p == null ? null : p.width(), p == null ? null : p.height(), p == null ? null : p.orientation(),
                p == null ? null : p.durationMs(), p == null ? null : p.hasVideoTrack(),
                p == null ? null : p.hasAudioTrack(), a.quarantineReason().orElse(null),
                a.createdAt(), a.updatedAt());
    }

    static Asset toAsset(AssetRow r) {
        Optional<ProbeResult> probe = Optional.ofNullable(r.contentType()).map(ct -> new ProbeResult(ct,
                MachineState.fromWire(MediaKind.class, r.kind()), r.width(), r.height(), r.orientation(),
                r.durationMs(), r.hasVideoTrack(), r.hasAudioTrack()));
        return new Asset(r.id(), new Principal(r.owner()), r.profile(),
                MachineState.fromWire(AssetState.class, r.state()), r.filename(), r.claimedContentType(),
                r.byteSize(), Optional.ofNullable(r.checksumSha256()), r.stagingKey(),
                Optional.ofNullable(r.storageKey()), probe, Optional.ofNullable(r.quarantineReason()),
                r.createdAt(), r.updatedAt());
    }

    static UploadSessionRow toRow(UploadSession s) {
        return new UploadSessionRow(s.id(), s.owner().id(), s.assetId().orElse(null), s.profile(),
                s.strategy().wire(), s.state().wire(), s.uploadKey(), s.filename(), s.contentType(), s.byteSize(),
                s.checksumSha256().orElse(null), s.multipartUploadId().orElse(null),
                s.partPlan().map(PartPlan::partSize).orElse(null),
                s.partPlan().map(PartPlan::partCount).orElse(null), s.expiresAt(),
                s.failureReason().orElse(null), s.createdAt(), s.updatedAt());
    }

    static UploadSession toSession(UploadSessionRow r) {
        Optional<PartPlan> plan = r.partSize() == null ? Optional.empty()
                : Optional.of(new PartPlan(r.byteSize(), r.partSize(), r.partCount()));
        return new UploadSession(r.id(), new Principal(r.owner()), Optional.ofNullable(r.assetId()), r.profile(),
                MachineState.fromWire(UploadStrategy.class, r.strategy()),
                MachineState.fromWire(UploadState.class, r.state()), r.uploadKey(), r.filename(), r.contentType(),
                r.byteSize(), Optional.ofNullable(r.checksumSha256()), plan,
                Optional.ofNullable(r.multipartUploadId()), r.expiresAt(),
                Optional.ofNullable(r.failureReason()), r.createdAt(), r.updatedAt());
    }

    static Variant toVariant(VariantRow r) {
        Optional<Variant.Rendition> rendition = r.contentType() == null || r.byteSize() == null || r.width() == null
                || r.height() == null ? Optional.empty()
                : Optional.of(new Variant.Rendition(r.contentType(), r.byteSize(), r.width(), r.height()));
        return new Variant(r.id(), r.assetId(), r.name(), MachineState.fromWire(VariantState.class, r.state()),
                Optional.ofNullable(r.recipeDigest()), Optional.ofNullable(r.storageKey()), rendition,
                Optional.ofNullable(r.failureReason()), r.attempts(), r.updatedAt());
    }
}

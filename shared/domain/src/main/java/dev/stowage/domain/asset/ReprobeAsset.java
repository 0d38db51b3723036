package dev.stowage.domain.asset;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.MediaProbe;
import dev.stowage.domain.port.ObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Rindle's {@code reprobe}: reads the stored original again and replaces the probe fields (content type,
 * kind, dimensions, orientation, duration, tracks; a field that no longer applies is cleared), nothing
 * else. It never quarantines: the asset passed analysis, and a better parser is not a new upload.
 */
public final class ReprobeAsset {

    /** The fields before and after, and the names of those that changed. */
    public record Report(UUID assetId, ProbeResult before, ProbeResult after, List<String> changed) {}

    private final Assets assets;
    private final ObjectStore store;
    private final MediaProbe probe;
    private final int probeWindowBytes;

    public ReprobeAsset(Assets assets, ObjectStore store, MediaProbe probe, int probeWindowBytes) {
        this.assets = assets;
        this.store = store;
        this.probe = probe;
        this.probeWindowBytes = probeWindowBytes;
    }

    public Result<Report> execute(Principal caller, UUID assetId) {
        Optional<Asset> found = assets.find(assetId, caller).filter(a -> a.state().servable() && a.storageKey().isPresent());
        if (found.isEmpty()) {
            return Result.err(ErrorCode.ASSET_NOT_FOUND, "no servable asset " + assetId);
        }
        Asset asset = found.get();
        ObjectStore.Slice head;
        try {
            head = store.read(asset.storageKey().get(), 0, probeWindowBytes);
        } catch (ObjectStore.ObjectMissing e) {
            return Result.err(ErrorCode.OBJECT_MISSING, "the original of asset " + assetId + " is not in storage");
        }
        ProbeResult measured;
        try {
            measured = probe.probe(head.bytes(), asset.byteSize());
        } catch (RuntimeException e) {
            return Result.err(ErrorCode.INVALID_STATE, "the stored original of asset " + assetId
                    + " could not be read as media; its probe fields are unchanged");
        }
        ProbeResult after = measured.implausibility().isPresent() ? measured.typeOnly() : measured;
        if (!assets.recordProbe(assetId, after)) {
            return Result.err(ErrorCode.ASSET_NOT_FOUND, "asset " + assetId + " stopped being servable");
        }
        ProbeResult before = asset.probe().orElse(ProbeResult.of(null, null));
        return Result.ok(new Report(assetId, before, after, changed(before, after)));
    }

    static List<String> changed(ProbeResult a, ProbeResult b) {
        List<String> changed = new ArrayList<>();
        compare(changed, "contentType", a.contentType(), b.contentType());
        compare(changed, "kind", a.kind(), b.kind());
        compare(changed, "width", a.width(), b.width());
        compare(changed, "height", a.height(), b.height());
        compare(changed, "orientation", a.orientation(), b.orientation());
        compare(changed, "durationMs", a.durationMs(), b.durationMs());
        compare(changed, "hasVideoTrack", a.hasVideoTrack(), b.hasVideoTrack());
        compare(changed, "hasAudioTrack", a.hasAudioTrack(), b.hasAudioTrack());
        return changed;
    }

    private static void compare(List<String> changed, String field, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            changed.add(field);
        }
    }
}

package dev.stowage.domain.upload;

import dev.stowage.domain.Checksums;
import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.StorageKeys;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.asset.AssetState;
import dev.stowage.domain.asset.PromoteAsset;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.state.Settle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * A small file sent through the function itself: admitted like a direct upload, staged, then taken
 * down the same promotion lane. Bounded by {@code maxBytes} (the API's payload limit).
 */
public final class ProxiedUpload {

    /** The declared file and its bytes. */
    public record Command(UploadAdmission.Declared file, byte[] bytes) {}

    private final UploadAdmission admission;
    private final Assets assets;
    private final ObjectStore store;
    private final PromoteAsset promote;
    private final Clock clock;
    private final long maxBytes;
    private final Duration laneWait;

    /**
     * @param laneWait how long the call waits for the S3 event of its own PUT, when that event's lane took the
     *                 asset's analysis first, so the caller hears the outcome rather than "in flight"
     */
    public ProxiedUpload(UploadAdmission admission, Assets assets, ObjectStore store, PromoteAsset promote,
                         Clock clock, long maxBytes, Duration laneWait) {
        this.admission = admission;
        this.assets = assets;
        this.store = store;
        this.promote = promote;
        this.clock = clock;
        this.maxBytes = maxBytes;
        this.laneWait = laneWait;
    }

    public Result<Asset> execute(Principal caller, Command command) {
        byte[] bytes = command.bytes();
        if (bytes.length > maxBytes) {
            return Result.err(ErrorCode.TOO_LARGE, "proxied uploads are limited to " + maxBytes
                    + " bytes; use a direct upload for larger files");
        }
        UploadAdmission.Declared declared = command.file();
        String actualChecksum = Checksums.sha256Base64(bytes);
        UploadAdmission.Declared measured = new UploadAdmission.Declared(declared.profile(), declared.filename(),
                declared.contentType(), (long) bytes.length,
                declared.checksumSha256() == null ? actualChecksum : declared.checksumSha256());
        return admission.admit(measured).flatMap(file -> {
            if (!file.checksumSha256().orElseThrow().equals(actualChecksum)) {
                return Result.err(ErrorCode.CHECKSUM_MISMATCH, "the body's SHA-256 is " + actualChecksum
                        + ", the request declared " + file.checksumSha256().get());
            }
            return Result.ok(store(caller, file, bytes));
        });
    }

    private Asset store(Principal caller, UploadAdmission.Admitted file, byte[] bytes) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        UUID assetId = UUID.randomUUID();
        String key = StorageKeys.stagingProxied(assetId, file.filename());
        // The row first, so the object always has an owner: a failed write removes the row at once, and a
        // request that dies in between leaves a staged asset with no session, which the purger removes.
        assets.insert(Asset.staged(assetId, caller, file.profile().name(), file.filename(), file.contentType(),
                bytes.length, file.checksumSha256(), key, now));
        try {
            store.put(key, bytes, file.contentType());
        } catch (RuntimeException e) {
            assets.deleteStaged(assetId);
            throw e;
        }
        assets.transition(assetId, AssetState.STAGED, AssetState.VALIDATING);
        return Settle.until(promote.run(assetId).orElseThrow(), () -> assets.findById(assetId).orElseThrow(),
                a -> !a.state().inFlight(), laneWait);
    }
}

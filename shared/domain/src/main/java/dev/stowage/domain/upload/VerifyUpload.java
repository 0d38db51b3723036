package dev.stowage.domain.upload;

import dev.stowage.domain.Checksums;
import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.asset.AssetState;
import dev.stowage.domain.asset.PromoteAsset;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.MultipartStore.Part;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore.ObjectInfo;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.UploadSessions;
import dev.stowage.domain.state.Lease;
import dev.stowage.domain.state.Settle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one verification lane. The client's {@code complete} call and S3's ObjectCreated event (a PUT,
 * or a multipart completion) both end here; whichever arrives second finds the work done, or in hand,
 * and changes nothing.
 */
public final class VerifyUpload {
    private static final Logger LOG = Logger.getLogger(VerifyUpload.class.getName());
    private static final Set<UploadState> VERIFIABLE =
            EnumSet.of(UploadState.SIGNED, UploadState.UPLOADING, UploadState.UPLOADED);
    private static final Set<UploadState> VERIFIABLE_OR_RESUMING =
            EnumSet.of(UploadState.SIGNED, UploadState.RESUMING, UploadState.UPLOADING, UploadState.UPLOADED);
    /** States from which {@code complete} claims the session (again, for a retried {@code complete}). */
    private static final Set<UploadState> CLAIMABLE = VERIFIABLE_OR_RESUMING;

    /** The session and its asset as they stand after verification. */
    public record Verified(UploadSession session, Asset asset) {}

    /** What an S3 event amounted to, for the handler's log line. */
    public enum EventOutcome { VERIFIED, ALREADY_HANDLED, REJECTED, UNKNOWN_KEY }

    /**
     * @param laneWait       how long {@code complete} waits for another invocation (the S3 event) that holds the
     *                       lane to finish, so the caller gets the outcome rather than "in flight"
     * @param lease          how long a lane (uploaded, verifying) is held before another invocation may take it
     *                       over; longer than any function's timeout, so only a dead holder loses it
     * @param inlineMaxBytes the largest upload {@code complete} verifies and promotes itself; a larger one
     *                       (whose hashing and copying could outlast an API function) is left to the S3 event's
     *                       lane, and {@code complete} answers with the session still in flight; an upload
     *                       that landed at its original has neither to do, and is verified whatever its size
     */
    public record Limits(Duration laneWait, Duration lease, long inlineMaxBytes) {
        public Limits {
            if (laneWait.isNegative() || lease.isNegative() || inlineMaxBytes < 0) {
                throw new IllegalArgumentException("negative verification limit: " + laneWait + ", " + lease
                        + ", " + inlineMaxBytes);
            }
        }
    }

    private final UploadSessions sessions;
    private final Assets assets;
    private final ObjectStore store;
    private final MultipartStore multipart;
    /** States whose lane does the slow work: hashing, copying, probing. */
    private static final Set<UploadState> SLOW_LANES =
            EnumSet.of(UploadState.UPLOADED, UploadState.VERIFYING, UploadState.COMPLETED);
    private static final Set<UploadState> ENDED = EnumSet.of(UploadState.ABORTED, UploadState.EXPIRED,
            UploadState.FAILED);

    private final PromoteAsset promote;
    private final UploadResidue residue;
    private final Limits limits;

    public VerifyUpload(UploadSessions sessions, Assets assets, ObjectStore store, MultipartStore multipart,
                        PromoteAsset promote, UploadResidue residue, Limits limits) {
        this.sessions = sessions;
        this.assets = assets;
        this.store = store;
        this.multipart = multipart;
        this.promote = promote;
        this.residue = residue;
        this.limits = limits;
    }

    /** Runs the lane for a session found by the purger: a lost event, or a holder that died in its lane. */
    public Optional<Result<Verified>> resume(UUID sessionId) {
        return sessions.findById(sessionId).map(this::verify);
    }

    /**
     * The caller says the bytes are up. The session is claimed ({@code uploaded}, under a lease) before
     * anything is assembled, so a cancel or an expiry either ran first (and nothing is assembled) or is
     * refused. A multipart session names its parts; they are checked against the session's plan before the
     * claim, and storage checks their ETags as it assembles: a bad list is refused, the claim released, and the
     * session stays usable.
     * An upload above {@link Limits#inlineMaxBytes()} is then left to the S3 event's lane, unless it
     * {@linkplain UploadSession#landsAtOriginal() landed at its original}: then nothing is copied or hashed, no
     * event comes (the bucket notifies for staging only), and {@code complete} verifies it whatever its size.
     */
    public Result<Verified> complete(Principal caller, UUID sessionId, List<Part> parts) {
        return sessions.owned(sessionId, caller)
                .flatMap(session -> CLAIMABLE.contains(session.state()) && claimsFirst(session)
                        ? claim(session, parts) : Result.ok(session))
                .flatMap(session -> leftToEvent(session) ? current(session.id()) : verify(session))
                .flatMap(this::settled);
    }

    /**
     * Whether {@code complete} claims the session before verifying it: to assemble its parts, or to hand a large
     * upload to the event's lane. A small PUT is claimed by verification itself, as its S3 event claims it.
     */
    private boolean claimsFirst(UploadSession session) {
        return session.isMultipart() || session.byteSize() > limits.inlineMaxBytes();
    }

    /** Whether the work left (hashing, copying) could outlast an API function: the S3 event's lane does it. */
    private boolean leftToEvent(UploadSession session) {
        return session.byteSize() > limits.inlineMaxBytes() && !session.landsAtOriginal()
                && SLOW_LANES.contains(session.state());
    }

    /** Storage says an object was created at {@code key} (already URL-decoded). */
    public EventOutcome objectCreated(String key) {
        Optional<UploadSession> session = sessions.findByUploadKey(key);
        if (session.isPresent()) {
            UploadState before = session.get().state();
            if (ENDED.contains(before)) {
                // Bytes PUT with a URL that outlived its session: removed, with whatever else the session left.
                residue.clean(session.get());
                return EventOutcome.REJECTED;
            }
            Result<Verified> result = verify(session.get());
            if (before == UploadState.COMPLETED) {
                removeLateBytes(session.get(), result);
            }
            if (result instanceof Result.Err<Verified> err) {
                LOG.info(() -> "event for " + key + " not verified: " + err.code().code() + " " + err.detail());
                return EventOutcome.REJECTED;
            }
            return VERIFIABLE_OR_RESUMING.contains(before) ? EventOutcome.VERIFIED : EventOutcome.ALREADY_HANDLED;
        }
        // Proxied uploads have no session: their asset is found by its staging key.
        Optional<Asset> asset = assets.findByStagingKey(key);
        if (asset.isPresent()) {
            AssetState before = asset.get().state();
            promote.run(asset.get().id());
            return before == AssetState.VALIDATING || before == AssetState.PROMOTING
                    ? EventOutcome.VERIFIED : EventOutcome.ALREADY_HANDLED;
        }
        return EventOutcome.UNKNOWN_KEY;
    }

    /**
     * Claims an open session for verification, then assembles a multipart object. The answer is the
     * session as it now stands: claimed, or moved on by whoever won (a cancel, an expiry, the S3 event).
     */
    private Result<UploadSession> claim(UploadSession session, List<Part> declared) {
        // resuming may only move on to uploading; from there the lane proceeds as for any session.
        sessions.transition(session.id(), EnumSet.of(UploadState.RESUMING), UploadState.UPLOADING);
        Optional<List<Part>> toAssemble = Optional.empty();
        if (session.isMultipart()) {
            Result<List<Part>> checked = checkParts(session, declared);
            if (!(checked instanceof Result.Ok<List<Part>> ok)) {
                return checked.map(unused -> session);
            }
            toAssemble = Optional.of(ok.value());
        } else if (store.head(session.uploadKey()).isEmpty()) {
            return Result.ok(session); // the lane answers: nothing uploaded yet, or another lane has moved it on
        }
        if (session.state() != UploadState.UPLOADED && !sessions.claim(session.id(),
                EnumSet.of(UploadState.SIGNED, UploadState.UPLOADING), UploadState.UPLOADED, Lease.fresh(limits.lease()))) {
            return Result.ok(sessions.findById(session.id()).orElseThrow());
        }
        if (toAssemble.isPresent()) {
            try {
                // Nothing back: no such upload any more, so an earlier call (whose answer was lost) assembled it, and
                // verification finds the object; or it was aborted behind Stowage's back, and verification says so.
                multipart.complete(session.uploadKey(), session.multipartUploadId().orElseThrow(), toAssemble.get());
            } catch (MultipartStore.PartsRejected e) {
                sessions.transition(session.id(), EnumSet.of(UploadState.UPLOADED), UploadState.UPLOADING);
                return explainRefusal(session, toAssemble.get(), e);
            }
        }
        return Result.ok(sessions.findById(session.id()).orElseThrow());
    }

    /**
     * Checks the client's part list against the plan: every planned part once, each with an ETag. Storage checks the
     * ETags as it assembles (S3 refuses a part it does not hold as that ETag), so the common path asks it nothing
     * more; {@link #explainRefusal} lists the parts only when it refuses.
     */
    private Result<List<Part>> checkParts(UploadSession session, List<Part> declared) {
        PartPlan plan = session.partPlan().orElseThrow();
        if (session.multipartUploadId().isEmpty()) {
            return Result.err(ErrorCode.INVALID_STATE, "storage has not opened this session's multipart upload");
        }
        Map<Integer, Part> byNumber = new TreeMap<>();
        for (Part p : declared == null ? List.<Part>of() : declared) {
            if (!plan.contains(p.partNumber())) {
                return Result.err(ErrorCode.INVALID_PART_NUMBER,
                        "part " + p.partNumber() + " is outside 1.." + plan.partCount());
            }
            if (p.etag() == null || p.etag().isBlank()) {
                return Result.err(ErrorCode.PART_MISMATCH, "part " + p.partNumber() + " has no etag");
            }
            if (byNumber.put(p.partNumber(), p) != null) {
                return Result.err(ErrorCode.DUPLICATE_PART, "part " + p.partNumber() + " is listed twice");
            }
        }
        List<Integer> missing = new ArrayList<>();
        for (int n = 1; n <= plan.partCount(); n++) {
            if (!byNumber.containsKey(n)) {
                missing.add(n);
            }
        }
        if (!missing.isEmpty()) {
            return Result.err(ErrorCode.PARTS_INCOMPLETE, "parts " + missing + " are missing from the list");
        }
        return Result.ok(List.copyOf(byNumber.values()));
    }

    /** Why storage refused a part list that matched the plan: a part it does not hold, or holds with another ETag. */
    private <T> Result<T> explainRefusal(UploadSession session, List<Part> declared,
                                         MultipartStore.PartsRejected refusal) {
        Map<Integer, Part> held = new TreeMap<>();
        boolean listed = false;
        try {
            multipart.listParts(session.uploadKey(), session.multipartUploadId().orElseThrow())
                    .forEach(p -> held.put(p.partNumber(), p));
            listed = true;
        } catch (RuntimeException e) {
            refusal.addSuppressed(e);
        }
        for (Part p : listed ? declared : List.<Part>of()) {
            Part s = held.get(p.partNumber());
            if (s == null) {
                return Result.err(ErrorCode.PARTS_INCOMPLETE, "storage holds no part " + p.partNumber() + " yet");
            }
            if (!unquote(s.etag()).equals(unquote(p.etag()))) {
                return Result.err(ErrorCode.PART_MISMATCH, "part " + p.partNumber() + " has etag "
                        + unquote(s.etag()) + " in storage, not " + unquote(p.etag()));
            }
        }
        LOG.log(Level.WARNING, "storage refused the part list of session " + session.id(), refusal);
        return Result.err(ErrorCode.PART_MISMATCH, "storage refused the part list (a part changed while"
                + " completing?); list the parts with GET /v1/uploads/" + session.id() + " and try again");
    }

    /**
     * A claimed session with no object behind it: its claimer died before assembling (or the object was
     * removed). If storage holds exactly the planned parts they are assembled; otherwise the claim is
     * released, so the session goes on or expires like any open one.
     */
    private Result<Verified> assembleOrRelease(UploadSession session) {
        if (session.isMultipart() && session.multipartUploadId().isPresent()) {
            String uploadId = session.multipartUploadId().get();
            List<Part> stored = multipart.listParts(session.uploadKey(), uploadId);
            if (session.partPlan().orElseThrow().isCoveredBy(stored)) {
                try {
                    multipart.complete(session.uploadKey(), uploadId, stored);
                } catch (MultipartStore.PartsRejected e) {
                    LOG.log(Level.WARNING, "storage refused the stored parts of session " + session.id(), e);
                }
                if (store.head(session.uploadKey()).isPresent()) {
                    return verify(session);
                }
            }
        }
        sessions.transition(session.id(), EnumSet.of(UploadState.UPLOADED), UploadState.UPLOADING);
        return Result.err(ErrorCode.OBJECT_MISSING, "nothing has been uploaded for this session yet");
    }

    private static String unquote(String etag) {
        return etag.replace("\"", "");
    }

    private Result<Verified> verify(UploadSession session) {
        switch (session.state()) {
            case COMPLETED -> {
                // Finishes a promotion a crash interrupted; else a no-op. Its asset may have been purged since. A
                // completed session changes no more, so what was read of it stands.
                return session.assetId().flatMap(promote::run)
                        .<Result<Verified>>map(asset -> Result.ok(new Verified(session, asset)))
                        .orElseGet(() -> current(session.id()));
            }
            case VERIFYING -> {
                Lease held = Lease.fresh(limits.lease());
                return inLane(session.id(), held, () -> sessions.takeOverVerifying(session.id(), held), () -> {
                    LOG.warning(() -> "took over the verifying lane of session " + session.id()
                            + ": its holder died or gave it up");
                    return finishVerifying(session, Optional.empty());
                }).orElseGet(() -> current(session.id())); // another invocation holds the lane
            }
            case INITIALIZED -> {
                return Result.err(ErrorCode.INVALID_STATE, "upload session has not been signed yet");
            }
            case ABORTED, EXPIRED, FAILED -> {
                return Result.err(ErrorCode.INVALID_STATE, "upload session is " + session.state().wire());
            }
            default -> { /* signed, resuming, uploading, uploaded: verify below */ }
        }
        Optional<ObjectInfo> object = store.head(session.uploadKey());
        if (object.isEmpty()) {
            // Another invocation may have verified, promoted and removed the staging object since we read
            // the session: states only move forward, so follow it rather than report a missing upload.
            UploadSession now = sessions.findById(session.id()).orElseThrow();
            if (now.state() != session.state()) {
                return verify(now);
            }
            if (now.state() == UploadState.UPLOADED) {
                return assembleOrRelease(now);
            }
            return Result.err(ErrorCode.OBJECT_MISSING, "nothing has been uploaded for this session yet");
        }
        // resuming may only move on to uploading; from there the lane proceeds as for any session.
        sessions.transition(session.id(), EnumSet.of(UploadState.RESUMING), UploadState.UPLOADING);
        Lease held = Lease.fresh(limits.lease());
        return inLane(session.id(), held, () -> sessions.claim(session.id(), VERIFIABLE, UploadState.VERIFYING, held),
                () -> finishVerifying(session, object))
                .orElseGet(() -> verifyAsItIsNow(session)); // lost to another lane, a cancel or an expiry: say which
    }

    /**
     * Runs {@code work} in the verifying lane once {@code take} has given it to this invocation; empty when it did
     * not. A claim whose answer was lost, or work that failed (storage or the database erred; the invocation did not
     * die), hands the lane back, so the caller's retry or the event's redelivery takes it over at once rather than
     * once the lease runs out. If even that fails, the lease runs out as for a holder that died.
     */
    private Optional<Result<Verified>> inLane(UUID sessionId, Lease held, BooleanSupplier take,
                                              Supplier<Result<Verified>> work) {
        try {
            return take.getAsBoolean() ? Optional.of(work.get()) : Optional.empty();
        } catch (RuntimeException e) {
            try {
                sessions.releaseVerifying(sessionId, held);
            } catch (RuntimeException release) {
                e.addSuppressed(release);
            }
            throw e;
        }
    }

    /** The lane's work once this invocation holds it; {@code known} is the object if already looked at. */
    private Result<Verified> finishVerifying(UploadSession session, Optional<ObjectInfo> known) {
        Optional<ObjectInfo> object = known.isPresent() ? known : store.head(session.uploadKey());
        if (object.isEmpty()) {
            return reject(session, ErrorCode.OBJECT_MISSING, "the uploaded object is gone");
        }
        Optional<Result<Verified>> refused = check(session, object.get());
        if (refused.isPresent()) {
            return refused.get();
        }
        if (!sessions.complete(session.id(), session.requireAssetId())) {
            return verifyAsItIsNow(session);
        }
        promote.run(session.requireAssetId());
        return current(session.id());
    }

    /**
     * The S3 event of bytes PUT to a completed session's staging key: they came after verification (the presigned
     * URL lives on), so once promotion is past, or the asset purged, they are removed, never promoted. An original
     * is left alone: only Stowage writes there.
     */
    private void removeLateBytes(UploadSession session, Result<Verified> now) {
        boolean promoted = !(now instanceof Result.Ok<Verified>(Verified v))
                || v.asset().state() != AssetState.STAGED && !v.asset().state().inFlight();
        if (promoted && !session.landsAtOriginal()) {
            store.delete(session.uploadKey());
        }
    }

    /** The answer from the session's real state, after a compare-and-set of ours found it moved on. */
    private Result<Verified> verifyAsItIsNow(UploadSession session) {
        UploadSession now = sessions.findById(session.id()).orElseThrow();
        return now.state() == session.state() ? current(session.id()) : verify(now);
    }

    /** Size and checksum against what the session promised; a mismatch fails the session. */
    private Optional<Result<Verified>> check(UploadSession session, ObjectInfo object) {
        if (object.size() != session.byteSize()) {
            return Optional.of(reject(session, ErrorCode.SIZE_MISMATCH,
                    "stored object has " + object.size() + " bytes, session declared " + session.byteSize()));
        }
        if (session.checksumSha256().isPresent()) {
            String expected = session.checksumSha256().get();
            // A multipart object's stored checksum (if any) is a checksum of part checksums: hash the bytes.
            String actual = session.isMultipart() ? sha256Of(session.uploadKey())
                    : object.checksumSha256().orElseGet(() -> sha256Of(session.uploadKey()));
            if (!expected.equals(actual)) {
                return Optional.of(reject(session, ErrorCode.CHECKSUM_MISMATCH,
                        "stored object's SHA-256 is " + actual + ", session declared " + expected));
            }
        }
        return Optional.empty();
    }

    private Result<Verified> reject(UploadSession session, ErrorCode code, String detail) {
        sessions.fail(session.id(), EnumSet.of(UploadState.VERIFYING), code.code() + ": " + detail);
        store.delete(session.uploadKey());
        return Result.err(code, detail);
    }

    private String sha256Of(String key) {
        return Checksums.sha256Base64(store.open(key));
    }

    /**
     * The session and asset once no other invocation is still working on them (or when the wait is up):
     * the S3 event may hold the lane while the caller's {@code complete} arrives.
     */
    private Result<Verified> settled(Verified verified) {
        UUID sessionId = verified.session().id();
        return Settle.until(Result.ok(verified), () -> current(sessionId),
                now -> !(now instanceof Result.Ok<Verified>(Verified v)) || !isInFlight(v), limits.laneWait());
    }

    /** Whether a lane is still working on the session (or will: the S3 event's, for a large upload). */
    public static boolean isInFlight(Verified v) {
        UploadState state = v.session().state();
        return state == UploadState.UPLOADED || state == UploadState.VERIFYING || v.asset().state().inFlight();
    }

    /** The session and its asset; a completed session's asset may have been purged since (V15). */
    private Result<Verified> current(UUID sessionId) {
        UploadSession s = sessions.findById(sessionId).orElseThrow();
        return s.assetId().flatMap(assets::findById).<Result<Verified>>map(a -> Result.ok(new Verified(s, a)))
                .orElseGet(() -> Result.err(ErrorCode.ASSET_NOT_FOUND,
                        "this upload completed, and its asset has been deleted since"));
    }
}

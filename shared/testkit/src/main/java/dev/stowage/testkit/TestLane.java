package dev.stowage.testkit;

import dev.stowage.domain.asset.PromoteAsset;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.MediaProbe;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.WorkQueue;
import dev.stowage.domain.port.UploadSessions;
import dev.stowage.domain.profile.Profiles;
import dev.stowage.domain.upload.UploadResidue;
import dev.stowage.domain.upload.VerifyUpload;
import io.micronaut.context.BeanLocator;
import java.time.Duration;

/**
 * The verification lane as the application context builds it, with the parts a test swaps (storage
 * that fails or intrudes on cue, a probe, a lease, the inline limit) replaced. Laneways that need no
 * swap take the context's own beans.
 */
public record TestLane(BeanLocator beans, ObjectStore storage, MultipartStore multipart, MediaProbe probe,
                       UploadSessions sessions, Duration lease, long inlineMaxBytes) {
    /** The probe window the application uses. */
    public static final int PROBE_WINDOW = 8 * 1024 * 1024;

    public static TestLane of(BeanLocator beans) {
        return new TestLane(beans, beans.getBean(ObjectStore.class), beans.getBean(MultipartStore.class),
                beans.getBean(MediaProbe.class), beans.getBean(UploadSessions.class), Duration.ofMinutes(10),
                Long.MAX_VALUE);
    }

    public TestLane storage(ObjectStore value) {
        return new TestLane(beans, value, multipart, probe, sessions, lease, inlineMaxBytes);
    }

    public TestLane multipart(MultipartStore value) {
        return new TestLane(beans, storage, value, probe, sessions, lease, inlineMaxBytes);
    }

    public TestLane probe(MediaProbe value) {
        return new TestLane(beans, storage, multipart, value, sessions, lease, inlineMaxBytes);
    }

    public TestLane sessions(UploadSessions value) {
        return new TestLane(beans, storage, multipart, probe, value, lease, inlineMaxBytes);
    }

    public TestLane lease(Duration value) {
        return new TestLane(beans, storage, multipart, probe, sessions, value, inlineMaxBytes);
    }

    public TestLane inlineMaxBytes(long value) {
        return new TestLane(beans, storage, multipart, probe, sessions, lease, value);
    }

    public PromoteAsset promote() {
        return new PromoteAsset(beans.getBean(Assets.class), storage, probe, beans.getBean(Profiles.class),
                beans.getBean(WorkQueue.class), PROBE_WINDOW, lease);
    }

    /** {@code complete} waits for no other lane: a test drives the interleaving itself. */
    public VerifyUpload verify() {
        Assets assets = beans.getBean(Assets.class);
        return new VerifyUpload(sessions, assets, storage, multipart, promote(),
                new UploadResidue(assets, storage, multipart),
                new VerifyUpload.Limits(Duration.ZERO, lease, inlineMaxBytes));
    }
}

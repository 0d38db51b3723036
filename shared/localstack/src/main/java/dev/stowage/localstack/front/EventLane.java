package dev.stowage.localstack.front;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One front's event delivery: a single thread hands events to the sink in the order their creations were
 * answered by the S3 server, so the event for a PUT always comes before the event for a re-PUT the client
 * sent after the first answer. A place in line is taken before the client sees its response; the event
 * fills it once the response is out.
 */
final class EventLane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventLane.class);
    private static final Duration DRAIN = Duration.ofSeconds(10);
    private static final Slot END = new Slot("", new CompletableFuture<>());

    /** A place in line, with the sequencer its event carries (sequencers grow in delivery order). */
    record Slot(String sequencer, CompletableFuture<Optional<PendingEvent>> event) {
        /** The event for this place, or nothing (the creation did not happen after all). */
        void fill(Optional<PendingEvent> value) {
            event.complete(value);
        }
    }

    private final BlockingQueue<Slot> line = new LinkedBlockingQueue<>();
    private final Consumer<PendingEvent> deliver;
    private final Thread thread;

    EventLane(String name, Consumer<PendingEvent> deliver) {
        this.deliver = deliver;
        this.thread = Thread.ofVirtual().name(name).start(this::run);
    }

    /** Takes the next place in line. The caller must {@link Slot#fill fill} it, or the events after it wait. */
    synchronized Slot reserve() {
        Slot slot = new Slot(Sequencer.next(), new CompletableFuture<>());
        line.add(slot);
        return slot;
    }

    private void run() {
        try {
            for (Slot slot = line.take(); slot != END; slot = line.take()) {
                slot.event().join().ifPresent(event -> {
                    try {
                        deliver.accept(event);
                    } catch (RuntimeException e) {
                        LOG.warn("S3 event for {} not delivered", event.creation().key(), e);
                    }
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Delivers what is already in line (for a while), then stops. */
    @Override
    public void close() {
        line.add(END);
        try {
            if (!thread.join(DRAIN)) {
                LOG.warn("S3 event delivery still busy after {}; stopping it", DRAIN);
                thread.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.interrupt();
        }
    }
}

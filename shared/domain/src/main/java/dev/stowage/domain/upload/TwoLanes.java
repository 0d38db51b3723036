package dev.stowage.domain.upload;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A walk over batches of sessions in two lanes: the storage work of the next batch runs on a thread of its own
 * while this thread does the database work of the batch in hand, so S3's latency and the database's overlap
 * instead of adding up. Storage work makes no database call (a function has one connection, and this thread
 * holds it). At most two batches are in hand, so memory stays flat; storage work runs one batch at a time, in
 * order; and every batch whose storage work ran gets its database work, even the one fetched ahead when the walk
 * was told to stop, so nothing storage did goes uncounted. An error in either lane ends the walk with it.
 */
final class TwoLanes {
    private TwoLanes() {}

    /**
     * @param first    the first batch
     * @param after    the batch after the given one (empty at the end); read on this thread
     * @param storage  a batch's storage work, on the storage lane
     * @param database a batch's database work given its storage work's result; false stops the walk
     */
    static <S> void walk(List<UploadSession> first, UnaryOperator<List<UploadSession>> after,
                         Function<List<UploadSession>, S> storage, BiPredicate<List<UploadSession>, S> database) {
        try (ExecutorService lane = Executors.newSingleThreadExecutor(
                Thread.ofVirtual().name("purge-storage-lane").factory())) {
            List<UploadSession> batch = first;
            Future<S> stored = batch.isEmpty() ? null : submit(lane, storage, batch);
            boolean goOn = true;
            while (stored != null) {
                List<UploadSession> next = goOn ? after.apply(batch) : List.of();
                Future<S> nextStored = next.isEmpty() ? null : submit(lane, storage, next);
                goOn = database.test(batch, join(stored)) && goOn;
                batch = next;
                stored = nextStored;
            }
        }
    }

    private static <S> Future<S> submit(ExecutorService lane, Function<List<UploadSession>, S> storage,
                                        List<UploadSession> batch) {
        return lane.submit(() -> storage.apply(batch));
    }

    private static <S> S join(Future<S> stored) {
        try {
            return stored.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while storage worked on a batch", e);
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case RuntimeException r -> throw r;
                case Error r -> throw r;
                default -> throw new IllegalStateException(e.getCause());
            }
        }
    }
}

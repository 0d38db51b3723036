package dev.stowage.domain.streaming;

import dev.stowage.domain.port.ProviderUploads;
import dev.stowage.domain.port.StreamingProvider;
import dev.stowage.domain.profile.Profile;
import dev.stowage.domain.profile.Profiles;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The purger's part of streaming. First it reconciles: a row still pending past a short grace, with no
 * provider upload id, is a create whose answer was lost (a timeout, a 5xx) — the provider may have made the
 * upload anyway. The provider's list of uploads is searched for the row's passthrough (its asset id), a few
 * pages per run, newest first; a found upload's id is recorded (pending → uploading), so the expiry below
 * cancels it once the row is past its timeout, and no provider upload is left that no row knows. Then it
 * expires: rows still pending or uploading past their profile's timeout are marked errored ({@code timed_out})
 * and cancelled at the provider, best effort (the provider times them out too). A pending row found nowhere
 * has no upload id to cancel: it just expires.
 */
public final class ExpireProviderUploads {
    private static final Logger LOG = Logger.getLogger(ExpireProviderUploads.class.getName());
    public static final String TIMED_OUT = "timed_out";

    /**
     * What a run did: {@code reconciled} pending rows whose upload was found at the provider (by passthrough)
     * and recorded; {@code lookupsFailed} runs of the provider's list that failed (the rows wait for the next run,
     * or expire).
     */
    public record Report(int expired, int providerCancelled, int providerCancelFailed, int reconciled,
                         int lookupsFailed) {
        public static final Report NOTHING = new Report(0, 0, 0, 0, 0);
    }

    private final ProviderUploads uploads;
    private final StreamingProvider provider;
    private final Profiles profiles;
    private final Clock clock;
    private final int batchSize;
    private final Duration pendingGrace;
    private final int lookupPages;

    /**
     * @param pendingGrace how old a pending row must be before its upload is looked up: a younger one's create
     *                     may still be waiting for the provider's answer
     * @param lookupPages  pages of the provider's upload list read per run, at most
     */
    public ExpireProviderUploads(ProviderUploads uploads, StreamingProvider provider, Profiles profiles, Clock clock,
                                 int batchSize, Duration pendingGrace, int lookupPages) {
        this.uploads = uploads;
        this.provider = provider;
        this.profiles = profiles;
        this.clock = clock;
        this.batchSize = batchSize;
        this.pendingGrace = pendingGrace;
        this.lookupPages = lookupPages;
    }

    /** {@code dryRun} counts what would expire (one batch per profile) and changes nothing. */
    public Report run(boolean dryRun) {
        Instant now = clock.instant();
        int[] reconciled = dryRun ? new int[] {0, 0} : reconcile(now);
        int expired = 0;
        int cancelled = 0;
        int failed = 0;
        for (Profile profile : profiles.all()) {
            if (profile.streaming().isEmpty()) {
                continue;
            }
            Instant before = now.minus(profile.streaming().get().timeout());
            List<ProviderUpload> open = uploads.findOpen(profile.name(), before, batchSize);
            if (dryRun) {
                expired += open.size();
                continue;
            }
            for (ProviderUpload row : open) {
                if (!uploads.failUpload(row.id(), TIMED_OUT)) {
                    continue; // a webhook or a cancel got there first
                }
                expired++;
                StreamingProvider.Availability availability = provider.availability();
                if (row.providerUploadId().isEmpty() || !row.provider().equals(provider.name())
                        || availability == StreamingProvider.Availability.NOT_CONFIGURED) {
                    continue;
                }
                if (availability == StreamingProvider.Availability.CREDENTIALS_UNAVAILABLE) {
                    failed++; // the provider times its upload out by itself
                    continue;
                }
                try {
                    provider.cancelUpload(row.providerUploadId().get());
                    cancelled++;
                } catch (RuntimeException e) {
                    failed++;
                }
            }
        }
        return new Report(expired, cancelled, failed, reconciled[0], reconciled[1]);
    }

    /** {reconciled, lookups failed}: one search of the provider's list for every profile's lost creates. */
    private int[] reconcile(Instant now) {
        List<ProviderUpload> lost = new ArrayList<>();
        for (Profile profile : profiles.all()) {
            if (profile.streaming().isPresent()) {
                lost.addAll(uploads.findPending(profile.name(), now.minus(pendingGrace), batchSize).stream()
                        .filter(r -> r.provider().equals(provider.name())).toList());
            }
        }
        if (lost.isEmpty() || provider.availability() != StreamingProvider.Availability.READY) {
            return new int[] {0, 0};
        }
        Map<String, List<StreamingProvider.UploadStatus>> found = new HashMap<>();
        try {
            Set<String> passthroughs = lost.stream().map(r -> r.assetId().toString()).collect(Collectors.toSet());
            for (StreamingProvider.UploadStatus u : provider.findByPassthrough(passthroughs, lookupPages)) {
                u.passthrough().ifPresent(p -> found.computeIfAbsent(p, k -> new ArrayList<>()).add(u));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not list the provider's uploads; pending rows wait for the next run", e);
            return new int[] {0, 1};
        }
        int reconciled = 0;
        for (ProviderUpload row : lost) {
            List<StreamingProvider.UploadStatus> matches = found.getOrDefault(row.assetId().toString(), List.of());
            if (matches.isEmpty()) {
                continue; // not made, or older than the pages read: the row expires at its timeout
            }
            StreamingProvider.UploadStatus newest = matches.getFirst();
            if (record(row, newest)) {
                reconciled++;
            } else {
                cancelQuietly(newest); // the row moved on meanwhile (a cancel, a webhook): nobody uses this one
            }
            // A create answered with a retryable status may have been made twice: only the newest is kept.
            matches.subList(1, matches.size()).forEach(this::cancelQuietly);
        }
        return new int[] {reconciled, 0};
    }

    /** Records the found upload on the row, walking it as far as the provider says the upload got. */
    private boolean record(ProviderUpload row, StreamingProvider.UploadStatus upload) {
        return switch (upload.status()) {
            case StreamingProvider.UploadStatus.WAITING -> uploads.recordUploadId(row.id(), upload.uploadId());
            case StreamingProvider.UploadStatus.ASSET_CREATED -> upload.providerAssetId()
                    .map(a -> uploads.markProcessing(row.id(), upload.uploadId(), a))
                    .orElseGet(() -> uploads.recordUploadId(row.id(), upload.uploadId()));
            // errored, cancelled, timed_out: the provider ended it; the row ends with the provider's word
            default -> uploads.recordUploadId(row.id(), upload.uploadId())
                    && uploads.failUpload(row.id(), upload.status());
        };
    }

    private void cancelQuietly(StreamingProvider.UploadStatus upload) {
        if (!upload.status().equals(StreamingProvider.UploadStatus.WAITING)) {
            return;
        }
        try {
            provider.cancelUpload(upload.uploadId());
        } catch (RuntimeException e) {
            // best effort: the provider times it out
        }
    }
}

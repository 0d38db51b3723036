package dev.stowage.domain.port;

import dev.stowage.domain.Result;
import dev.stowage.domain.profile.Streaming;
import dev.stowage.domain.streaming.ProviderEvent;
import java.util.Optional;
import java.util.UUID;

/**
 * A streaming provider that takes a browser's bytes directly (Mux): direct uploads and their webhooks.
 * Its credentials and handles stay behind this port; callers see upload URLs and ids only.
 */
public interface StreamingProvider {

    /** Its name in routes, profiles and rows: {@code mux}. */
    String name();

    /**
     * Whether calls can be made now: credentials at hand, none configured (every call would be refused), or
     * configured but unreadable right now (a secret store down; worth a retry). Asked before anything is
     * written, so an answer other than {@link Availability#READY} changes nothing.
     */
    Availability availability();

    /**
     * A one-time upload URL for one file. {@code passthrough} (the asset id) is echoed in the provider's
     * events. Throws {@link Failure} when the provider refuses or cannot be reached.
     */
    DirectUpload createDirectUpload(UUID passthrough, Streaming settings);

    /** The provider's view of an upload; throws {@link Failure}. */
    UploadStatus upload(String uploadId);

    /**
     * The uploads the provider still lists whose passthrough is one of {@code passthroughs}, newest first: how
     * a create whose answer was lost finds its upload. Reads at most {@code maxPages} pages of the provider's
     * list (newest first), fewer once every passthrough was seen; an older upload is not found. Throws
     * {@link Failure}.
     */
    java.util.List<UploadStatus> findByPassthrough(java.util.Set<String> passthroughs, int maxPages);

    /** Cancels an upload still waiting for its bytes; one the provider already ended is not an error. */
    CancelOutcome cancelUpload(String uploadId);

    /**
     * Checks a webhook's signature over its exact bytes, then decodes it: {@code unauthenticated} for a
     * missing, forged or stale signature, {@code too_large} or {@code malformed_request} for a body it
     * cannot read, {@code provider_credentials_unavailable} when its signing secret cannot be read right now
     * (a 503: the provider retries, where a 401 would make it drop the event).
     */
    Result<ProviderEvent> readWebhook(Optional<String> signature, byte[] body);

    enum Availability { READY, NOT_CONFIGURED, CREDENTIALS_UNAVAILABLE }

    record DirectUpload(String uploadId, String uploadUrl) {}

    /**
     * {@code status} in the provider's words (Mux: waiting, asset_created, errored, cancelled, timed_out);
     * {@code passthrough} is what the create sent (the asset id).
     */
    record UploadStatus(String uploadId, String status, Optional<String> providerAssetId,
                        Optional<String> passthrough) {
        /** The provider's word for an upload still waiting for its bytes. */
        public static final String WAITING = "waiting";
        public static final String ASSET_CREATED = "asset_created";
    }

    enum CancelOutcome { CANCELLED, ALREADY_ENDED }

    /** The provider refused (quota) or could not be reached after the adapter's retry. */
    final class Failure extends RuntimeException {
        public enum Kind { QUOTA_EXCEEDED, UNAVAILABLE }

        private final Kind kind;

        public Failure(Kind kind, String message, Throwable cause) {
            super(message, cause);
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }
    }
}

package dev.stowage.domain.export;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Result;
import dev.stowage.domain.delivery.ContentDisposition;
import dev.stowage.domain.port.Exports;
import dev.stowage.domain.port.ObjectStore;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A download by token, with no caller: the token is the authentication. Every refusal (no such export,
 * not ready, expired, a token for something else, tampered or malformed) is the same {@code not_found}
 * with the same detail, so a guesser learns nothing. Bytes kept in the row are answered directly; an
 * export in the bucket is a presigned GET that expires no later than the export. Without the signing keys
 * (the secret store cannot answer) every download is {@code signing_unavailable}, to be retried.
 */
public final class DownloadExport {
    static final String REFUSED = "not found";

    private final Exports exports;
    private final ObjectStore store;
    private final ExportTokens tokens;
    private final Clock clock;
    private final Duration linkTtl;

    public DownloadExport(Exports exports, ObjectStore store, ExportTokens tokens, Clock clock, Duration linkTtl) {
        this.exports = exports;
        this.store = store;
        this.tokens = tokens;
        this.clock = clock;
        this.linkTtl = linkTtl;
    }

    /** What the download answers. */
    public sealed interface Download {
        record Bytes(byte[] bytes, String contentType, String contentDisposition) implements Download {}

        record Redirect(URI url, Instant expiresAt) implements Download {}
    }

    /**
     * The id as the link carries it: a malformed one is the same refusal as any other, so every wrong link
     * answers alike.
     */
    public Result<Download> execute(String id, String token) {
        // The keys first, whatever the id: an outage answers every download alike, so it tells no one which
        // exports exist.
        return tokens.signer().flatMap(signer -> parse(id).map(uuid -> execute(uuid, token, signer))
                .orElseGet(() -> Result.err(ErrorCode.NOT_FOUND, REFUSED)));
    }

    /** Only the canonical spelling: another spelling of the same UUID is not a link anyone was given. */
    private static Optional<UUID> parse(String id) {
        try {
            return Optional.of(UUID.fromString(id)).filter(u -> u.toString().equals(id));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }

    private Result<Download> execute(UUID id, String token, ExportTokens.Signer signer) {
        Instant now = clock.instant();
        Optional<Export> found = exports.find(id)
                .filter(e -> e.state() == ExportState.READY && !e.expiredAt(now)
                        && signer.valid(e.id(), e.expiresAt(), token));
        if (found.isEmpty()) {
            return Result.err(ErrorCode.NOT_FOUND, REFUSED);
        }
        Export e = found.get();
        String disposition = ContentDisposition.of(true, e.filename());
        if (e.storageKey().isPresent()) {
            Duration ttl = Duration.between(now, e.expiresAt());
            ttl = ttl.compareTo(linkTtl) < 0 ? ttl : linkTtl;
            var signed = store.presignGet(new ObjectStore.GetSpec(e.storageKey().get(), ttl,
                    Optional.of(e.contentType()), Optional.of(disposition)));
            return Result.ok(new Download.Redirect(signed.url(), signed.expiresAt()));
        }
        // Deleted between the two reads: the same answer as never there.
        return exports.content(id)
                .<Result<Download>>map(bytes -> Result.ok(new Download.Bytes(bytes, e.contentType(), disposition)))
                .orElseGet(() -> Result.err(ErrorCode.NOT_FOUND, REFUSED));
    }
}

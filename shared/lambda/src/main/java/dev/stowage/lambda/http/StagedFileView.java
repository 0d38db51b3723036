package dev.stowage.lambda.http;

import dev.stowage.domain.port.ObjectStore.PresignedRequest;
import dev.stowage.domain.port.StagedFiles;
import dev.stowage.domain.stagedfile.FindStagedFiles;
import dev.stowage.domain.stagedfile.ReleaseStagedObjects;
import dev.stowage.domain.stagedfile.StageFile;
import dev.stowage.domain.stagedfile.StagedFile;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** A staged file as the API shows it; the checksum in hex and in base64, as S3 carries it. */
@Serdeable
public record StagedFileView(String id, String checksumSha256, String checksumSha256Base64, String name, long size,
                             @Nullable String contentType, String state, boolean persist,
                             @Nullable Long ttlSeconds, @Nullable Instant expiresAt, Instant createdAt,
                             Instant updatedAt) {

    public static StagedFileView of(StagedFile f) {
        return new StagedFileView(f.id().toString(), f.checksumHex(),
                java.util.Base64.getEncoder().encodeToString(HexFormat.of().parseHex(f.checksumHex())), f.name(),
                f.byteSize(), f.contentType().orElse(null), f.state().wire(), f.persist(),
                f.ttlSeconds().isPresent() ? f.ttlSeconds().getAsLong() : null, f.expiresAt().orElse(null),
                f.createdAt(), f.updatedAt());
    }

    /** The PUT to make: send exactly these headers with exactly the declared bytes. */
    @Serdeable
    public record Upload(String url, String method, Map<String, String> headers, Instant expiresAt) {
        static Upload of(PresignedRequest r) {
            return new Upload(r.url().toString(), r.method(), r.headers(), r.expiresAt());
        }
    }

    /** The answer to a stage: the entry, and the upload when storage does not hold the caller's bytes yet. */
    @Serdeable
    public record Staged(StagedFileView stagedFile, boolean uploadRequired, @Nullable Upload upload) {
        public static Staged of(StageFile.Staged s) {
            return new Staged(StagedFileView.of(s.file()), s.upload().isPresent(),
                    s.upload().map(Upload::of).orElse(null));
        }
    }

    /** A page of the caller's entries; pass {@code nextCursor} back as {@code cursor} for the next one. */
    @Serdeable
    public record Page(@JsonInclude(JsonInclude.Include.ALWAYS) List<StagedFileView> items, @Nullable String nextCursor) {
        public static Page of(FindStagedFiles.Page p) {
            return new Page(p.items().stream().map(StagedFileView::of).toList(), p.nextCursor().orElse(null));
        }
    }

    /** What a cleanup or reset removed. */
    @Serdeable
    public record Removed(int removed, int objectsDeleted,
                          @JsonInclude(JsonInclude.Include.ALWAYS) List<StagedFileView> items) {
        public static Removed of(ReleaseStagedObjects.Removed r) {
            return new Removed(r.entries().size(), r.objectsDeleted(), r.entries().stream().map(StagedFileView::of).toList());
        }
    }

    /** Counts and bytes of the caller's registry, and when its soonest entry expires. */
    @Serdeable
    public record Metrics(long total, long totalBytes, long persistent, long persistentBytes, long expirable,
                          long expirableBytes, long pending, long pendingBytes, @Nullable Instant soonestExpiry) {
        public static Metrics of(StagedFiles.Metrics m) {
            return new Metrics(m.total(), m.totalBytes(), m.persistent(), m.persistentBytes(), m.expirable(),
                    m.expirableBytes(), m.pending(), m.pendingBytes(), m.soonestExpiry().orElse(null));
        }
    }
}

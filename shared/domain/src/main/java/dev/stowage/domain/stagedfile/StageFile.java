package dev.stowage.domain.stagedfile;

import dev.stowage.domain.Checksums;
import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Filenames;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.ObjectStore.PresignedRequest;
import dev.stowage.domain.port.ObjectStore.PutSpec;
import dev.stowage.domain.port.StagedFiles;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Stages a file by checksum (Codex's {@code stage}): the caller's entry for bytes storage already holds for
 * them is answered at once with its TTL slid forward; otherwise the entry is {@code pending} and the answer
 * carries a PUT that storage only accepts with exactly these bytes (length and SHA-256 signed). Another
 * principal's object never makes the caller's entry present: each principal proves its bytes by uploading.
 */
public final class StageFile {
    private static final Pattern CONTENT_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/"
            + "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}");
    private static final String DEFAULT_TYPE = "application/octet-stream";

    private final StagedFiles files;
    private final ObjectStore store;
    private final Limits limits;

    /** Bounds from configuration: the largest file, the longest TTL, and how long an upload URL lives. */
    public record Limits(long maxBytes, long maxTtlSeconds, Duration uploadUrlTtl) {}

    /** The request as the client sent it; the use case says what is wrong with it. */
    public record Command(String checksumSha256, String name, Long size, String contentType, Long ttlSeconds,
                          Boolean persist) {}

    /** The entry, and the upload to make when storage does not hold the caller's bytes yet. */
    public record Staged(StagedFile file, Optional<PresignedRequest> upload) {}

    public StageFile(StagedFiles files, ObjectStore store, Limits limits) {
        this.files = files;
        this.store = store;
        this.limits = limits;
    }

    public Result<Staged> execute(Principal caller, Command command) {
        return declaration(command).map(d -> stage(caller, d));
    }

    private Staged stage(Principal caller, StagedFiles.Declaration declaration) {
        StagedFile entry = files.stage(caller, declaration);
        if (entry.state() == StagedFile.State.PRESENT) {
            long size = entry.byteSize();
            boolean stored = store.head(entry.storageKey()).filter(o -> o.size() == size).isPresent();
            if (stored) {
                return new Staged(entry, Optional.empty());
            }
            files.markPending(entry.id()); // the object went missing (removed by hand): upload again
            entry = files.find(caller, entry.id()).orElse(entry);
        }
        return new Staged(entry, Optional.of(store.presignPut(new PutSpec(entry.storageKey(),
                entry.contentType().orElse(DEFAULT_TYPE), entry.byteSize(),
                Optional.of(base64(entry.checksumHex())), limits.uploadUrlTtl()))));
    }

    private Result<StagedFiles.Declaration> declaration(Command c) {
        if (c == null) {
            return Result.err(ErrorCode.MALFORMED_REQUEST, "a JSON body is required");
        }
        Optional<String> checksum = Checksums.sha256ToBase64(c.checksumSha256());
        if (checksum.isEmpty()) {
            return Result.err(ErrorCode.INVALID_CHECKSUM,
                    "checksumSha256 must be a SHA-256: 64 hex digits or 44 characters of base64");
        }
        Optional<String> badName = Filenames.problemWith(c.name());
        if (badName.isPresent()) {
            return Result.err(ErrorCode.INVALID_FILENAME, badName.get().replace("filename", "name"));
        }
        if (c.size() == null || c.size() < 1) {
            return Result.err(ErrorCode.INVALID_BYTE_SIZE, "size must be a whole number of bytes from 1");
        }
        if (c.size() > limits.maxBytes()) {
            return Result.err(ErrorCode.TOO_LARGE, "size is over the largest staged file, " + limits.maxBytes()
                    + " bytes");
        }
        if (c.contentType() != null && !CONTENT_TYPE.matcher(c.contentType()).matches()) {
            return Result.err(ErrorCode.CONTENT_TYPE_NOT_ALLOWED, "contentType must be a media type like text/plain");
        }
        boolean persist = Boolean.TRUE.equals(c.persist());
        if (persist == (c.ttlSeconds() != null)) {
            return Result.err(ErrorCode.INVALID_TTL, "give exactly one of ttlSeconds and persist: true");
        }
        if (c.ttlSeconds() != null && (c.ttlSeconds() < 1 || c.ttlSeconds() > limits.maxTtlSeconds())) {
            return Result.err(ErrorCode.INVALID_TTL, "ttlSeconds must be from 1 to " + limits.maxTtlSeconds());
        }
        String hex = HexFormat.of().formatHex(Base64.getDecoder().decode(checksum.get()));
        return Result.ok(new StagedFiles.Declaration(hex, c.name(), c.size(), Optional.ofNullable(c.contentType()),
                persist, c.ttlSeconds() == null ? OptionalLong.empty() : OptionalLong.of(c.ttlSeconds())));
    }

    static String base64(String hex) {
        return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
    }
}

package dev.stowage.domain.upload;

import dev.stowage.domain.Checksums;
import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Filenames;
import dev.stowage.domain.Result;
import dev.stowage.domain.profile.ContentTypes;
import dev.stowage.domain.profile.Profile;
import dev.stowage.domain.profile.Profiles;
import java.util.Optional;

/** Decides whether a declared upload may start, before any byte is stored. */
public final class UploadAdmission {

    /** What the caller declared about the file. {@code byteSize} is boxed so "missing" is distinguishable. */
    public record Declared(String profile, String filename, String contentType, Long byteSize, String checksumSha256) {}

    /** A declaration the profile accepts, normalised (content type essence, checksum in base64). */
    public record Admitted(Profile profile, String filename, String contentType, long byteSize,
                           Optional<String> checksumSha256) {}

    private final Profiles profiles;

    public UploadAdmission(Profiles profiles) {
        this.profiles = profiles;
    }

    public Result<Admitted> admit(Declared d) {
        if (d.profile() == null || d.profile().isBlank()) {
            return Result.err(ErrorCode.INVALID_FIELD, "profile is required");
        }
        Optional<Profile> found = profiles.find(d.profile());
        if (found.isEmpty()) {
            return Result.err(ErrorCode.UNKNOWN_PROFILE, "no profile named '" + d.profile() + "'");
        }
        Profile profile = found.get();
        if (profile.streaming().isPresent()) {
            // Its bytes go to the streaming provider, never the bucket: an upload here would make an asset the
            // provider knows nothing of.
            return Result.err(ErrorCode.INVALID_FIELD, "profile '" + profile.name()
                    + "' takes streaming uploads only: POST /v1/streaming/uploads");
        }
        Optional<String> badName = Filenames.problemWith(d.filename());
        if (badName.isPresent()) {
            return Result.err(ErrorCode.INVALID_FILENAME, badName.get());
        }
        if (d.contentType() == null || !ContentTypes.isWellFormed(d.contentType())) {
            return Result.err(ErrorCode.INVALID_FIELD, "contentType must be a media type such as image/jpeg");
        }
        String contentType = ContentTypes.essence(d.contentType());
        if (!profile.allows(contentType)) {
            return Result.err(ErrorCode.CONTENT_TYPE_NOT_ALLOWED,
                    "profile '" + profile.name() + "' does not accept " + contentType);
        }
        if (d.byteSize() == null) {
            return Result.err(ErrorCode.INVALID_BYTE_SIZE, "byteSize is required");
        }
        if (d.byteSize() <= 0) {
            return Result.err(ErrorCode.INVALID_BYTE_SIZE, "byteSize must be positive, was " + d.byteSize());
        }
        if (d.byteSize() > profile.maxBytes()) {
            return Result.err(ErrorCode.TOO_LARGE, "byteSize " + d.byteSize() + " exceeds the profile's maximum of "
                    + profile.maxBytes() + " bytes");
        }
        Optional<String> checksum = Optional.empty();
        if (d.checksumSha256() != null) {
            checksum = Checksums.sha256ToBase64(d.checksumSha256());
            if (checksum.isEmpty()) {
                return Result.err(ErrorCode.INVALID_CHECKSUM, "checksumSha256 must be a SHA-256 digest in hex or base64");
            }
        }
        return Result.ok(new Admitted(profile, d.filename(), contentType, d.byteSize(), checksum));
    }
}

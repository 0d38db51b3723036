package dev.stowage.domain.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Result;
import dev.stowage.domain.TestProfiles;
import dev.stowage.domain.profile.Profiles;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class UploadAdmissionTest {
    static final String HEX = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    final UploadAdmission admission = new UploadAdmission(new Profiles(List.of(TestProfiles.IMAGE)));

    private ErrorCode refusal(UploadAdmission.Declared d) {
        return assertInstanceOf(Result.Err.class, admission.admit(d)).code();
    }

    @Test
    void acceptsADeclarationWithinTheProfileAndNormalisesTheContentType() {
        var ok = admission.admit(new UploadAdmission.Declared("image", "a b.jpg", "IMAGE/JPEG; q=1", 1_000L, null))
                .orElseThrow();
        assertEquals("image/jpeg", ok.contentType());
        assertEquals(1_000L, ok.byteSize());
    }

    @Test
    void unknownProfileIsRefused() {
        assertEquals(ErrorCode.UNKNOWN_PROFILE, refusal(new UploadAdmission.Declared("nope", "a.jpg", "image/jpeg", 1L, null)));
    }

    @Test
    void contentTypeOutsideTheProfileIsRefused() {
        assertEquals(ErrorCode.CONTENT_TYPE_NOT_ALLOWED,
                refusal(new UploadAdmission.Declared("image", "a.svg", "image/svg+xml", 1L, null)));
    }

    @Test
    void sizeOverTheProfileMaximumIsTooLarge() {
        assertEquals(ErrorCode.TOO_LARGE, refusal(new UploadAdmission.Declared("image", "a.jpg", "image/jpeg", 1_001L, null)));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE})
    void zeroOrNegativeSizeIsRefused(long size) {
        assertEquals(ErrorCode.INVALID_BYTE_SIZE, refusal(new UploadAdmission.Declared("image", "a.jpg", "image/jpeg", size, null)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../etc/passwd", "a/b.jpg", "a\\b.jpg", "..", ".", "a\u0000.jpg", "line\nbreak.jpg", " lead.jpg", "",
        "\u202Egpj.exe", "a\u2066b.jpg", "a\u200Fb.jpg", "\uD800.jpg", "a\uDC00.jpg", "a\uD83D"})
    void filenamesThatCouldBePathsOrCarryControlCharactersAreRefused(String name) {
        assertEquals(ErrorCode.INVALID_FILENAME, refusal(new UploadAdmission.Declared("image", name, "image/jpeg", 1L, null)));
    }

    @Test
    void aStreamingProfileTakesNoBucketUpload() {
        var stream = new dev.stowage.domain.profile.Profile("stream", java.util.Set.of("video/*"), 1_000,
                java.util.List.of(), TestProfiles.IMAGE.delivery(), TestProfiles.IMAGE.stalePolicy(),
                java.time.Duration.ofHours(1), java.time.Duration.ofMinutes(15),
                java.util.Optional.of(new dev.stowage.domain.profile.Streaming("mux",
                        dev.stowage.domain.profile.Streaming.PlaybackPolicy.PUBLIC, java.util.Optional.empty(),
                        java.time.Duration.ofHours(1))));
        var refused = new UploadAdmission(new Profiles(List.of(TestProfiles.IMAGE, stream)))
                .admit(new UploadAdmission.Declared("stream", "clip.mp4", "video/mp4", 100L, null));
        var err = assertInstanceOf(Result.Err.class, refused);
        assertEquals(ErrorCode.INVALID_FIELD, err.code());
        assertTrue(err.detail().contains("/v1/streaming/uploads"), err.detail());
    }

    @Test
    void hexChecksumIsCarriedAsBase64() {
        var ok = admission.admit(new UploadAdmission.Declared("image", "a.jpg", "image/jpeg", 1L, HEX)).orElseThrow();
        assertEquals("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", ok.checksumSha256().orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "zz", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuF=="})
    void malformedChecksumIsRefused(String checksum) {
        assertEquals(ErrorCode.INVALID_CHECKSUM,
                refusal(new UploadAdmission.Declared("image", "a.jpg", "image/jpeg", 1L, checksum)));
    }

    @Test
    void malformedContentTypeIsRefused() {
        assertEquals(ErrorCode.INVALID_FIELD, refusal(new UploadAdmission.Declared("image", "a.jpg", "jpeg", 1L, null)));
    }
}

package dev.stowage.lambda.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.profile.Delivery;
import dev.stowage.domain.profile.Profile;
import dev.stowage.domain.profile.StalePolicy;
import dev.stowage.domain.profile.VariantSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A profile as configured becomes a domain profile, or start-up stops with the bad setting's name. */
class ProfileParserTest {
    static final String AT = "stowage.profiles.image.";

    /** The shape of {@code application.yml}'s image profile; each test spoils one setting. */
    record Settings(List<String> types, long maxBytes, Map<String, String> variants, String delivery,
                    Duration deliveryTtl, String stalePolicy, Duration sessionTtl, Duration signTtl) {
        static Settings valid() {
            return new Settings(List.of("image/jpeg", "image/png"), 25L << 20,
                    Map.of("thumb", "200x200 cover jpeg q80", "medium", "800x800"), "signed", Duration.ofMinutes(15),
                    "serve_original", Duration.ofHours(24), Duration.ofMinutes(15));
        }

        Settings types(List<String> v) {
            return new Settings(v, maxBytes, variants, delivery, deliveryTtl, stalePolicy, sessionTtl, signTtl);
        }

        Settings maxBytes(long v) {
            return new Settings(types, v, variants, delivery, deliveryTtl, stalePolicy, sessionTtl, signTtl);
        }

        Settings variants(Map<String, String> v) {
            return new Settings(types, maxBytes, v, delivery, deliveryTtl, stalePolicy, sessionTtl, signTtl);
        }

        Settings delivery(String v) {
            return new Settings(types, maxBytes, variants, v, deliveryTtl, stalePolicy, sessionTtl, signTtl);
        }

        Settings deliveryTtl(Duration v) {
            return new Settings(types, maxBytes, variants, delivery, v, stalePolicy, sessionTtl, signTtl);
        }

        Settings stalePolicy(String v) {
            return new Settings(types, maxBytes, variants, delivery, deliveryTtl, v, sessionTtl, signTtl);
        }

        Settings sessionTtl(Duration v) {
            return new Settings(types, maxBytes, variants, delivery, deliveryTtl, stalePolicy, v, signTtl);
        }

        Settings signTtl(Duration v) {
            return new Settings(types, maxBytes, variants, delivery, deliveryTtl, stalePolicy, sessionTtl, v);
        }

        ProfileSettings bound() {
            return new ProfileSettings("image", types, maxBytes, variants, delivery, deliveryTtl, stalePolicy,
                    sessionTtl, signTtl, null);
        }
    }

    /** Parsing fails, and the message names {@code setting} in full. */
    static String refused(Settings settings, String setting) {
        var failure = assertThrows(IllegalArgumentException.class, () -> ProfileParser.parse(settings.bound()));
        assertTrue(failure.getMessage().contains("invalid setting " + setting + ":"), failure.getMessage());
        return failure.getMessage();
    }

    @Test
    void aValidProfileBecomesTheDomainProfile() {
        Profile p = ProfileParser.parse(Settings.valid().bound());

        assertEquals("image", p.name());
        assertTrue(p.allows("image/png") && !p.allows("image/gif"), p.toString());
        assertEquals(25L << 20, p.maxBytes());
        assertEquals(new Delivery(Delivery.Mode.SIGNED, Duration.ofMinutes(15)), p.delivery());
        assertEquals(StalePolicy.SERVE_ORIGINAL, p.stalePolicy());
        assertEquals(Duration.ofHours(24), p.sessionTtl());
        assertEquals(Duration.ofMinutes(15), p.signTtl());
        assertTrue(p.variants().contains(new VariantSpec("thumb", 200, 200, VariantSpec.Fit.COVER, "jpeg", 80)),
                p.variants().toString());
        assertTrue(p.variants().contains(new VariantSpec("medium", 800, 800, VariantSpec.Fit.CONTAIN, "jpeg", 82)),
                "contain, jpeg and q82 are the defaults: " + p.variants());
    }

    @ParameterizedTest
    @ValueSource(strings = {"huge", "200", "200x", "x200", "200x200 stretch", "200x200 bmp", "200x200 q", "-200x200",
            "200x200 cover jpeg q80 extra", ""})
    void aVariantRecipeThatDoesNotParseNamesItsVariant(String recipe) {
        String message = refused(Settings.valid().variants(Map.of("thumb", recipe)), AT + "variants.thumb");
        assertTrue(message.contains("<width>x<height>"), "says what is expected: " + message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0x200", "200x0", "200x200 q0", "200x200 q101"})
    void aVariantWithNoAreaOrAQualityOutsideOneToAHundredNamesItsVariant(String recipe) {
        refused(Settings.valid().variants(Map.of("thumb", recipe)), AT + "variants.thumb");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Thumb", "-thumb", "thumb nail", "thumb/../x"})
    void aVariantNameOutsideLowerCaseLettersDigitsDashAndUnderscoreIsRefused(String name) {
        refused(Settings.valid().variants(Map.of(name, "200x200")), AT + "variants." + name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"carrier-pigeon", "", "signed-ish"})
    void anUnknownDeliveryModeNamesTheSetting(String delivery) {
        refused(Settings.valid().delivery(delivery), AT + "delivery");
    }

    @Test
    void aMissingDeliveryModeNamesTheSetting() {
        refused(Settings.valid().delivery(null), AT + "delivery");
    }

    @ParameterizedTest
    @ValueSource(strings = {"serve_anything", "", "stale"})
    void anUnknownStalePolicyNamesTheSetting(String policy) {
        refused(Settings.valid().stalePolicy(policy), AT + "stale-policy");
    }

    @Test
    void deliveryAndStalePolicyAreReadWhateverTheirCase() {
        Profile p = ProfileParser.parse(Settings.valid().delivery(" PUBLIC ").stalePolicy("Not_Found").bound());
        assertEquals(Delivery.Mode.PUBLIC, p.delivery().mode());
        assertEquals(StalePolicy.NOT_FOUND, p.stalePolicy());
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE})
    void aMaxBytesThatIsNotPositiveNamesTheSetting(long maxBytes) {
        refused(Settings.valid().maxBytes(maxBytes), AT + "max-bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0S", "-PT1S", "-PT24H"})
    void aSessionTtlThatIsNotPositiveNamesTheSetting(String ttl) {
        refused(Settings.valid().sessionTtl(Duration.parse(ttl)), AT + "session-ttl");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0S", "-PT1S", "P7DT1S"})
    void aSignTtlThatIsNotPositiveOrOutlivesS3sPresignLimitNamesTheSetting(String ttl) {
        refused(Settings.valid().signTtl(Duration.parse(ttl)), AT + "sign-ttl");
    }

    @Test
    void aSignTtlOfExactlySevenDaysIsS3sLimitAndAccepted() {
        assertEquals(Duration.ofDays(7),
                ProfileParser.parse(Settings.valid().signTtl(Duration.ofDays(7)).bound()).signTtl());
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0S", "-PT1S", "-PT15M"})
    void aDeliveryTtlThatIsNotPositiveNamesTheSetting(String ttl) {
        refused(Settings.valid().deliveryTtl(Duration.parse(ttl)), AT + "delivery-ttl");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jpeg", "image", "image/", "/jpeg", "image jpeg", "", "image/jpeg/x"})
    void anAllowedContentTypeThatIsNotAMediaTypeNamesTheSetting(String type) {
        String message = refused(Settings.valid().types(List.of("image/png", type)), AT + "allowed-content-types");
        assertTrue(message.contains("'" + type + "'"), "names the bad entry: " + message);
    }

    @Test
    void aProfileAllowingNoContentTypeNamesTheSetting() {
        refused(Settings.valid().types(List.of()), AT + "allowed-content-types");
        refused(Settings.valid().types(null), AT + "allowed-content-types");
    }

    @Test
    void aStreamingProfileNamesItsProviderPolicyOriginAndTimeout() {
        var streaming = ProfileParser.streaming("stowage.profiles.stream.streaming", Map.of("provider", "mux",
                "playback-policy", "signed", "cors-origin", "https://app.example.com", "timeout", "2h"));

        assertEquals(new dev.stowage.domain.profile.Streaming("mux",
                dev.stowage.domain.profile.Streaming.PlaybackPolicy.SIGNED,
                java.util.Optional.of("https://app.example.com"), Duration.ofHours(2)), streaming);
    }

    @Test
    void aStreamingProfileWithAnUnknownProviderOrAnOutOfRangeTimeoutStopsStartUp() {
        String at = "stowage.profiles.stream.streaming";
        var unknown = assertThrows(IllegalArgumentException.class,
                () -> ProfileParser.streaming(at, Map.of("provider", "vimeo")));
        assertTrue(unknown.getMessage().contains(at + ".provider"), unknown.getMessage());
        var tooLong = assertThrows(IllegalArgumentException.class,
                () -> ProfileParser.streaming(at, Map.of("provider", "mux", "timeout", "30d")));
        assertTrue(tooLong.getMessage().contains(at + ".timeout"), tooLong.getMessage());
        var origin = assertThrows(IllegalArgumentException.class,
                () -> ProfileParser.streaming(at, Map.of("provider", "mux", "cors-origin", "app.example.com/x")));
        assertTrue(origin.getMessage().contains(at + ".cors-origin"), origin.getMessage());
    }
}

package dev.stowage.domain;

import dev.stowage.domain.profile.Delivery;
import dev.stowage.domain.profile.Profile;
import dev.stowage.domain.profile.StalePolicy;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Profiles for domain unit tests. */
public final class TestProfiles {
    private TestProfiles() {}

    /** JPEG and PNG up to 1,000 bytes. */
    public static final Profile IMAGE = new Profile("image", Set.of("image/jpeg", "image/png"), 1_000, List.of(),
            new Delivery(Delivery.Mode.SIGNED, Duration.ofMinutes(5)), StalePolicy.SERVE_ORIGINAL,
            Duration.ofHours(1), Duration.ofMinutes(15));
}

package dev.stowage.domain.asset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.TestProfiles;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QuarantinePolicyTest {

    @Test
    void bytesOfATypeTheProfileRefusesAreQuarantinedWhateverWasClaimed() {
        Optional<String> reason = PromoteAsset.quarantineReason(TestProfiles.IMAGE,
                ProbeResult.of("text/html", MediaKind.OTHER), 67);
        assertTrue(reason.orElseThrow().startsWith("content_type_not_allowed"), reason.get());
    }

    @Test
    void allowedBytesWithinTheSizeLimitPass() {
        assertEquals(Optional.empty(), PromoteAsset.quarantineReason(TestProfiles.IMAGE,
                ProbeResult.of("image/png", MediaKind.IMAGE), 1_000));
    }

    @Test
    void anObjectLargerThanTheProfileAllowsIsQuarantined() {
        assertTrue(PromoteAsset.quarantineReason(TestProfiles.IMAGE,
                ProbeResult.of("image/png", MediaKind.IMAGE), 1_001).orElseThrow().startsWith("too_large"));
    }
}

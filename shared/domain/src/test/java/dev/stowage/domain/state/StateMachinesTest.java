package dev.stowage.domain.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.asset.AssetState;
import dev.stowage.domain.streaming.ProviderUploadState;
import dev.stowage.domain.upload.UploadState;
import dev.stowage.domain.variant.VariantState;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StateMachinesTest {

    @Test
    void uploadSessionTerminalStatesAreExactlyThoseOfTheDesign() {
        Set<UploadState> terminal = EnumSet.noneOf(UploadState.class);
        for (UploadState s : UploadState.values()) {
            if (s.isTerminal()) {
                terminal.add(s);
            }
        }
        assertEquals(EnumSet.of(UploadState.COMPLETED, UploadState.ABORTED, UploadState.EXPIRED, UploadState.FAILED),
                terminal);
    }

    @Test
    void anUploadedSessionMovesOnToVerifyingOrIsReleasedBackToUploading() {
        // uploaded is complete's claim; it cannot be cancelled or expired, only verified or released.
        assertEquals(Set.of(UploadState.VERIFYING, UploadState.UPLOADING),
                UploadState.TRANSITIONS.nextOf(UploadState.UPLOADED));
    }

    @Test
    void verifyingIsReachableFromSignedUploadingAndUploadedOnly() {
        assertEquals(EnumSet.of(UploadState.SIGNED, UploadState.UPLOADING, UploadState.UPLOADED),
                UploadState.TRANSITIONS.sourcesOf(UploadState.VERIFYING));
    }

    @Test
    void assetCannotSkipAnalysis() {
        assertFalse(AssetState.VALIDATING.canMoveTo(AssetState.PROMOTING));
        assertFalse(AssetState.STAGED.canMoveTo(AssetState.AVAILABLE));
        assertTrue(AssetState.ANALYZING.canMoveTo(AssetState.QUARANTINED));
        assertTrue(AssetState.DELETED.isTerminal());
    }

    @Test
    void quarantinedAssetsAreNeverServable() {
        assertFalse(AssetState.QUARANTINED.servable());
        assertTrue(AssetState.AVAILABLE.servable());
    }

    @Test
    void purgedIsTheOnlyTerminalVariantState() {
        for (VariantState s : VariantState.values()) {
            assertEquals(s == VariantState.PURGED, s.isTerminal(), s.name());
        }
    }

    @Test
    void erroredProviderUploadCanBeRetriedIntoProcessing() {
        assertTrue(ProviderUploadState.ERRORED.canMoveTo(ProviderUploadState.PROCESSING));
        assertFalse(ProviderUploadState.READY.canMoveTo(ProviderUploadState.PROCESSING));
    }

    @Test
    void compareAndSetGuardRefusesAnIllegalSource() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> UploadState.TRANSITIONS.require(EnumSet.of(UploadState.COMPLETED), UploadState.VERIFYING));
        assertTrue(e.getMessage().contains("COMPLETED -> VERIFYING"), e.getMessage());
    }

    @Test
    void wireFormIsTheLowerCaseName() {
        assertEquals("verifying", UploadState.VERIFYING.wire());
        assertEquals(UploadState.VERIFYING, MachineState.fromWire(UploadState.class, "verifying"));
    }
}

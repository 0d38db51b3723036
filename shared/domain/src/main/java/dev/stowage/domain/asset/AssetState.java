package dev.stowage.domain.asset;

import dev.stowage.domain.state.MachineState;
import dev.stowage.domain.state.Transitions;

/** Asset states (docs/architecture.md §3). */
public enum AssetState implements MachineState<AssetState> {
    STAGED, VALIDATING, ANALYZING, PROMOTING, AVAILABLE, PROCESSING, READY, DEGRADED, QUARANTINED, DELETED;

    public static final Transitions<AssetState> TRANSITIONS = Transitions.of(AssetState.class)
            .allow(STAGED, VALIDATING, READY) // READY: streaming assets only (V10), when the provider's is
            .allow(VALIDATING, ANALYZING)
            .allow(ANALYZING, PROMOTING, QUARANTINED)
            .allow(PROMOTING, AVAILABLE)
            .allow(AVAILABLE, PROCESSING, READY, QUARANTINED, DELETED)
            .allow(PROCESSING, READY, DEGRADED, QUARANTINED, DELETED)
            .allow(READY, PROCESSING, DEGRADED, DELETED)
            .allow(DEGRADED, PROCESSING, QUARANTINED, DELETED)
            .allow(QUARANTINED, DELETED);

    @Override
    public Transitions<AssetState> transitions() {
        return TRANSITIONS;
    }

    /** Whether a lane is taking it through analysis and promotion now (or died doing so, until its lease runs out). */
    public boolean inFlight() {
        return this == VALIDATING || this == ANALYZING || this == PROMOTING;
    }

    /** Whether the original may be delivered to a caller. */
    public boolean servable() {
        return this == AVAILABLE || this == PROCESSING || this == READY || this == DEGRADED;
    }
}

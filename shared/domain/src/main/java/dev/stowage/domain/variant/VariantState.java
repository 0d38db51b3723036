package dev.stowage.domain.variant;

import dev.stowage.domain.state.MachineState;
import dev.stowage.domain.state.Transitions;

/** Variant states (docs/architecture.md §3). */
public enum VariantState implements MachineState<VariantState> {
    PLANNED, QUEUED, PROCESSING, READY, STALE, MISSING, FAILED, CANCELLED, PURGED;

    public static final Transitions<VariantState> TRANSITIONS = Transitions.of(VariantState.class)
            .allow(PLANNED, QUEUED, CANCELLED)
            .allow(QUEUED, PROCESSING, CANCELLED)
            .allow(PROCESSING, READY, FAILED, CANCELLED, QUEUED)
            .allow(READY, STALE, MISSING, PURGED)
            .allow(STALE, QUEUED, PURGED)
            .allow(MISSING, QUEUED, PURGED)
            .allow(FAILED, QUEUED, PURGED)
            .allow(CANCELLED, QUEUED);

    @Override
    public Transitions<VariantState> transitions() {
        return TRANSITIONS;
    }
}

package dev.stowage.domain.streaming;

import dev.stowage.domain.state.MachineState;
import dev.stowage.domain.state.Transitions;

/** Streaming-provider upload states (docs/architecture.md §3). */
public enum ProviderUploadState implements MachineState<ProviderUploadState> {
    PENDING, UPLOADING, PROCESSING, READY, ERRORED, DELETED;

    public static final Transitions<ProviderUploadState> TRANSITIONS = Transitions.of(ProviderUploadState.class)
            .allow(PENDING, UPLOADING, ERRORED, DELETED)
            .allow(UPLOADING, PROCESSING, ERRORED, DELETED)
            .allow(PROCESSING, READY, ERRORED)
            .allow(READY, ERRORED, DELETED)
            .allow(ERRORED, DELETED, PROCESSING);

    @Override
    public Transitions<ProviderUploadState> transitions() {
        return TRANSITIONS;
    }
}

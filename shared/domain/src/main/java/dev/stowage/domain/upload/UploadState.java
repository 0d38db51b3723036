package dev.stowage.domain.upload;

import dev.stowage.domain.state.MachineState;
import dev.stowage.domain.state.Transitions;

/** Upload session states (docs/architecture.md §3). */
public enum UploadState implements MachineState<UploadState> {
    INITIALIZED, SIGNED, RESUMING, UPLOADING, UPLOADED, VERIFYING, COMPLETED, ABORTED, EXPIRED, FAILED;

    public static final Transitions<UploadState> TRANSITIONS = Transitions.of(UploadState.class)
            .allow(INITIALIZED, SIGNED, ABORTED, EXPIRED, FAILED)
            .allow(SIGNED, RESUMING, UPLOADING, UPLOADED, VERIFYING, ABORTED, EXPIRED, FAILED)
            .allow(RESUMING, UPLOADING, ABORTED, EXPIRED, FAILED)
            .allow(UPLOADING, UPLOADED, VERIFYING, ABORTED, EXPIRED, FAILED)
            .allow(UPLOADED, VERIFYING, UPLOADING)
            .allow(VERIFYING, COMPLETED, FAILED);

    @Override
    public Transitions<UploadState> transitions() {
        return TRANSITIONS;
    }
}

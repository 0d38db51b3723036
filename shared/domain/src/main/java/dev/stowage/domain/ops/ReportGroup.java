package dev.stowage.domain.ops;

import dev.stowage.domain.asset.AssetState;
import dev.stowage.domain.export.ExportState;
import dev.stowage.domain.stagedfile.StagedFile;
import dev.stowage.domain.state.MachineState;
import dev.stowage.domain.streaming.ProviderUploadState;
import dev.stowage.domain.upload.UploadState;
import dev.stowage.domain.variant.VariantState;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The groups of the operator report, one per lifecycle table, with the states each one counts, the transient
 * states whose oldest row it ages, and the ones where a row older than the report's {@code olderThan} is stuck
 * work. Upload sessions waiting on their client (initialized … uploading) and staged assets age but are not
 * "stuck": their end is the session's expiry, which {@link Check#OPEN_SESSION_PAST_EXPIRY} watches.
 */
public enum ReportGroup {
    UPLOADS("uploads", true, wires(UploadState.values()),
            List.of("initialized", "signed", "resuming", "uploading", "uploaded", "verifying"),
            List.of("uploaded", "verifying")),
    ASSETS("assets", true, wires(AssetState.values()),
            List.of("staged", "validating", "analyzing", "promoting", "available", "processing"),
            List.of("validating", "analyzing", "promoting", "available", "processing")),
    VARIANTS("variants", true, wires(VariantState.values()),
            List.of("planned", "queued", "processing"), List.of("planned", "queued", "processing")),
    PROVIDER_UPLOADS("providerUploads", true, wires(ProviderUploadState.values()),
            List.of("pending", "uploading", "processing"), List.of("pending", "uploading", "processing")),
    // Exports and staged files belong to principals, not to profiles: a profile filter does not narrow them.
    EXPORTS("exports", false, lower(ExportState.values()), List.of("pending"), List.of("pending")),
    STAGED_FILES("stagedFiles", false, lower(StagedFile.State.values()), List.of("pending"), List.of("pending"));

    private final String key;
    private final boolean profiled;
    private final List<String> states;
    private final List<String> transientStates;
    private final List<String> stuckStates;

    ReportGroup(String key, boolean profiled, List<String> states, List<String> transientStates,
                List<String> stuckStates) {
        this.key = key;
        this.profiled = profiled;
        this.states = states;
        this.transientStates = transientStates;
        this.stuckStates = stuckStates;
    }

    /** The group's name in the report: {@code providerUploads}. */
    public String key() {
        return key;
    }

    /** Whether the report's profile filter narrows this group (its rows, or their asset's, have a profile). */
    public boolean profiled() {
        return profiled;
    }

    /** Every state, in the machine's order. */
    public List<String> states() {
        return states;
    }

    public List<String> transientStates() {
        return transientStates;
    }

    public List<String> stuckStates() {
        return stuckStates;
    }

    private static List<String> wires(MachineState<?>[] values) {
        return Arrays.stream(values).map(MachineState::wire).toList();
    }

    private static List<String> lower(Enum<?>[] values) {
        return Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).toList();
    }
}

package dev.stowage.domain.ops;

import java.util.Locale;

/**
 * What the operator report looks for, each with a stable code. Drift: state combinations the state machines and
 * their rules (docs/architecture.md §3) say cannot exist. Stuck: work in a transient state longer than the report's {@code olderThan},
 * or an open session past its expiry by more than that. Residue: what ended but was not cleaned up within
 * {@code olderThan} of being due (the purger's backlog).
 */
public enum Check {
    COMPLETED_SESSION_ASSET_STAGED(ReportGroup.UPLOADS, Category.DRIFT,
            "a completed session whose asset is still staged (verification completes and promotes together)"),
    OPEN_SESSION_PAST_EXPIRY(ReportGroup.UPLOADS, Category.STUCK,
            "an open session past its expiry that nothing expired"),
    STUCK_UPLOADS(ReportGroup.UPLOADS, Category.STUCK, "a session in a verification lane longer than olderThan"),
    ENDED_SESSION_WITH_STAGED_ASSET(ReportGroup.UPLOADS, Category.RESIDUE,
            "an aborted, expired or failed session whose staged asset and object are not purged yet"),

    READY_ASSET_VARIANT_NOT_READY(ReportGroup.ASSETS, Category.DRIFT,
            "a ready asset with a planned, queued, processing, failed or cancelled variant"),
    PROCESSING_ASSET_WITHOUT_WORK(ReportGroup.ASSETS, Category.DRIFT,
            "a processing asset with no planned, queued or processing variant"),
    ATTACHED_ASSET_NOT_SERVABLE(ReportGroup.ASSETS, Category.DRIFT,
            "an attached asset that is not servable (not promoted, quarantined or deleted)"),
    ATTACHED_ASSET_MARKED_DETACHED(ReportGroup.ASSETS, Category.DRIFT,
            "an attached asset still marked detached (attaching clears the mark)"),
    STUCK_ASSETS(ReportGroup.ASSETS, Category.STUCK, "an asset in a transient state longer than olderThan"),
    DETACHED_ASSET_NOT_PURGED(ReportGroup.ASSETS, Category.RESIDUE,
            "an asset detached longer than the purger's grace (plus olderThan) and not purged"),
    UNATTACHED_ASSET_NOT_PURGED(ReportGroup.ASSETS, Category.RESIDUE,
            "a settled or quarantined asset never attached, past the purger's unattached grace (plus olderThan) since"
                    + " it settled, and not purged"),
    DELETED_ASSET_NOT_REMOVED(ReportGroup.ASSETS, Category.RESIDUE,
            "a deleted asset whose row (and objects) the purger has not removed within olderThan"),

    VARIANT_OF_UNPROMOTED_ASSET(ReportGroup.VARIANTS, Category.DRIFT,
            "a variant of an asset not promoted yet (promotion plans the variants)"),
    STUCK_VARIANTS(ReportGroup.VARIANTS, Category.STUCK, "a variant planned, queued or processing longer than olderThan"),

    PROVIDER_UPLOAD_OF_DELETED_ASSET(ReportGroup.PROVIDER_UPLOADS, Category.DRIFT,
            "a live provider upload whose asset is deleted"),
    STUCK_PROVIDER_UPLOADS(ReportGroup.PROVIDER_UPLOADS, Category.STUCK,
            "a provider upload pending, uploading or processing longer than olderThan"),

    STUCK_EXPORTS(ReportGroup.EXPORTS, Category.STUCK, "an export pending longer than olderThan"),
    EXPIRED_EXPORT_NOT_PURGED(ReportGroup.EXPORTS, Category.RESIDUE, "an expired export not purged yet"),

    STUCK_STAGED_FILES(ReportGroup.STAGED_FILES, Category.STUCK,
            "a staged file pending (its upload unconfirmed) longer than olderThan"),
    EXPIRED_STAGED_FILE_NOT_PURGED(ReportGroup.STAGED_FILES, Category.RESIDUE,
            "an expired staged file not purged yet");

    /** The three kinds of finding, as the reference groups them. */
    public enum Category {
        DRIFT, STUCK, RESIDUE;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final ReportGroup group;
    private final Category category;
    private final String description;

    Check(ReportGroup group, Category category, String description) {
        this.group = group;
        this.category = category;
        this.description = description;
    }

    public ReportGroup group() {
        return group;
    }

    public Category category() {
        return category;
    }

    public String description() {
        return description;
    }

    /** The stable wire form: {@code completed_session_asset_staged}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}

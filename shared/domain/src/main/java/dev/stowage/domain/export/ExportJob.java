package dev.stowage.domain.export;

import java.util.UUID;

/** One message on the export work queue: write this queued export. The row says what and whether. */
public record ExportJob(UUID exportId) {}

package dev.stowage.lambda.wiring;

import dev.stowage.domain.asset.GetAsset;
import dev.stowage.domain.asset.PromoteAsset;
import dev.stowage.domain.asset.ReprobeAsset;
import dev.stowage.domain.attachment.AttachAsset;
import dev.stowage.domain.attachment.PurgeDetachedAssets;
import dev.stowage.domain.delivery.DeliverAsset;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.Attachments;
import dev.stowage.domain.port.MediaProbe;
import dev.stowage.domain.port.MultipartStore;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.port.UploadSessions;
import dev.stowage.domain.port.Variants;
import dev.stowage.domain.port.WorkQueue;
import dev.stowage.domain.port.StagedFiles;
import dev.stowage.domain.port.StorageDrift;
import dev.stowage.domain.storage.ScanStorageDrift;
import dev.stowage.domain.profile.Profiles;
import dev.stowage.domain.stagedfile.ConfirmStagedFile;
import dev.stowage.domain.stagedfile.FindStagedFiles;
import dev.stowage.domain.stagedfile.CleanupStagedFiles;
import dev.stowage.domain.stagedfile.DeleteStagedFile;
import dev.stowage.domain.stagedfile.ResetStagedFiles;
import dev.stowage.domain.stagedfile.PurgeStagedFiles;
import dev.stowage.domain.stagedfile.ReleaseStagedObjects;
import dev.stowage.domain.stagedfile.StageFile;
import dev.stowage.domain.upload.CancelUpload;
import dev.stowage.domain.upload.GetUpload;
import dev.stowage.domain.upload.InitiateUpload;
import dev.stowage.domain.upload.ProxiedUpload;
import dev.stowage.domain.upload.PurgeAbandonedUploads;
import dev.stowage.domain.upload.SignUpload;
import dev.stowage.domain.upload.SignUploadPart;
import dev.stowage.domain.upload.UploadAdmission;
import dev.stowage.domain.upload.UploadResidue;
import dev.stowage.domain.upload.VerifyUpload;
import dev.stowage.domain.variant.CancelProcessing;
import dev.stowage.domain.variant.RequeueStarvedVariants;
import dev.stowage.domain.variant.RequeueVariants;
import dev.stowage.lambda.config.LifecycleSettings;
import dev.stowage.lambda.config.VariantSettings;
import dev.stowage.lambda.config.PurgeSettings;
import dev.stowage.lambda.config.ProfileParser;
import dev.stowage.lambda.config.ProfileSettings;
import dev.stowage.lambda.config.StagedFileSettings;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import java.util.List;

/** Builds the domain's use cases from the adapters; the domain itself knows no framework. */
@Factory
public class LifecycleFactory {

    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    // @Context, so a bad profile stops the function as it starts (naming the setting), rather than passing
    // start-up and failing every request that first needs a profile.
    @Context
    Profiles profiles(List<ProfileSettings> settings) {
        if (settings.isEmpty()) {
            throw new IllegalArgumentException("invalid setting stowage.profiles: no profile is configured");
        }
        return new Profiles(settings.stream().map(ProfileParser::parse).toList());
    }

    @Singleton
    UploadAdmission admission(Profiles profiles) {
        return new UploadAdmission(profiles);
    }

    @Singleton
    PromoteAsset promoteAsset(Assets assets, ObjectStore store, MediaProbe probe, Profiles profiles, WorkQueue work,
                              LifecycleSettings settings) {
        return new PromoteAsset(assets, store, probe, profiles, work, settings.probeWindowBytes(), settings.lease());
    }

    @Singleton
    ReprobeAsset reprobeAsset(Assets assets, ObjectStore store, MediaProbe probe, LifecycleSettings settings) {
        return new ReprobeAsset(assets, store, probe, settings.probeWindowBytes());
    }

    @Singleton
    RequeueVariants requeueVariants(Assets assets, Variants variants, Profiles profiles, WorkQueue work) {
        return new RequeueVariants(assets, variants, profiles, work);
    }

    @Singleton
    CancelProcessing cancelProcessing(Assets assets, Variants variants) {
        return new CancelProcessing(assets, variants);
    }

    @Singleton
    RequeueStarvedVariants requeueStarvedVariants(Assets assets, Variants variants, Profiles profiles, WorkQueue work,
                                                  VariantSettings settings, PurgeSettings purge) {
        return new RequeueStarvedVariants(assets, variants, profiles, work, settings.starvedAfter(), purge.batchSize());
    }

    @Singleton
    InitiateUpload initiateUpload(UploadAdmission admission, UploadSessions sessions, MultipartStore multipart,
                                  Clock clock) {
        return new InitiateUpload(admission, sessions, multipart, clock);
    }

    @Singleton
    SignUpload signUpload(UploadSessions sessions, ObjectStore store, Profiles profiles, Clock clock) {
        return new SignUpload(sessions, store, profiles, clock);
    }

    @Singleton
    SignUploadPart signUploadPart(UploadSessions sessions, MultipartStore multipart, Profiles profiles,
                                  Clock clock) {
        return new SignUploadPart(sessions, multipart, profiles, clock);
    }

    @Singleton
    VerifyUpload verifyUpload(UploadSessions sessions, Assets assets, ObjectStore store, MultipartStore multipart,
                              PromoteAsset promote, UploadResidue residue, LifecycleSettings settings) {
        return new VerifyUpload(sessions, assets, store, multipart, promote, residue, new VerifyUpload.Limits(
                settings.completeWait(), settings.lease(), settings.completeInlineMaxBytes()));
    }

    @Singleton
    UploadResidue uploadResidue(Assets assets, ObjectStore store, MultipartStore multipart) {
        return new UploadResidue(assets, store, multipart);
    }

    @Singleton
    CancelUpload cancelUpload(UploadSessions sessions, UploadResidue residue) {
        return new CancelUpload(sessions, residue);
    }

    @Singleton
    PurgeAbandonedUploads purgeAbandonedUploads(UploadSessions sessions, Assets assets, ObjectStore store,
                                                VerifyUpload verify, PromoteAsset promote, UploadResidue residue,
                                                MultipartStore multipart, Clock clock, PurgeSettings settings,
                                                LifecycleSettings lifecycle, PurgeDetachedAssets detached,
                                                RequeueStarvedVariants starved, PurgeStagedFiles stagedFiles,
                                                dev.stowage.domain.export.PurgeExpiredExports exports,
                                                dev.stowage.domain.streaming.ExpireProviderUploads streaming,
                                                dev.stowage.domain.event.PruneOutbox outbox, ScanStorageDrift drift) {
        return new PurgeAbandonedUploads(sessions, assets, store, verify, promote, lifecycle.lease(), residue,
                multipart, clock, settings.batchSize(), settings.orphanGrace(), detached, starved, stagedFiles,
                exports, streaming, outbox, drift);
    }

    @Singleton
    dev.stowage.domain.event.PruneOutbox pruneOutbox(dev.stowage.domain.port.Outbox outbox, Clock clock,
                                                     PurgeSettings settings) {
        return new dev.stowage.domain.event.PruneOutbox(outbox, clock, settings.outboxRetention(),
                settings.batchSize());
    }

    // The orphan grace is the drift scan's safety margin too: an object younger than it may be a promotion's
    // or a render's whose row has not committed yet.
    @Singleton
    ScanStorageDrift scanStorageDrift(StorageDrift drift, ObjectStore store, Clock clock, PurgeSettings settings) {
        return new ScanStorageDrift(drift, store, clock, settings.orphanGrace(), settings.driftKeysPerRun(),
                settings.batchSize());
    }

    @Singleton
    StageFile stageFile(StagedFiles files, ObjectStore store, StagedFileSettings settings) {
        return new StageFile(files, store, new StageFile.Limits(settings.maxBytes(), settings.maxTtl().toSeconds(),
                settings.uploadUrlTtl()));
    }

    @Singleton
    FindStagedFiles findStagedFiles(StagedFiles files) {
        return new FindStagedFiles(files);
    }

    @Singleton
    ReleaseStagedObjects releaseStagedObjects(StagedFiles files, ObjectStore store) {
        return new ReleaseStagedObjects(files, store);
    }

    @Singleton
    DeleteStagedFile deleteStagedFile(StagedFiles files, ReleaseStagedObjects release) {
        return new DeleteStagedFile(files, release);
    }

    @Singleton
    CleanupStagedFiles cleanupStagedFiles(StagedFiles files, ReleaseStagedObjects release, PurgeSettings purge) {
        return new CleanupStagedFiles(files, release, purge.batchSize());
    }

    @Singleton
    ResetStagedFiles resetStagedFiles(StagedFiles files, ReleaseStagedObjects release, PurgeSettings purge) {
        return new ResetStagedFiles(files, release, purge.batchSize());
    }

    @Singleton
    ConfirmStagedFile confirmStagedFile(StagedFiles files, ObjectStore store) {
        return new ConfirmStagedFile(files, store);
    }

    @Singleton
    PurgeStagedFiles purgeStagedFiles(StagedFiles files, ReleaseStagedObjects release, ObjectStore store, Clock clock,
                                      StagedFileSettings settings, PurgeSettings purge) {
        return new PurgeStagedFiles(files, release, store, clock, settings.orphanGrace(), purge.batchSize());
    }

    @Singleton
    PurgeDetachedAssets purgeDetachedAssets(Assets assets, ObjectStore store, PurgeSettings settings) {
        return new PurgeDetachedAssets(assets, store, settings.unreferencedGraces(), settings.batchSize());
    }

    @Singleton
    AttachAsset attachAsset(Attachments attachments, Assets assets, Profiles profiles) {
        return new AttachAsset(attachments, assets, profiles);
    }

    @Singleton
    ProxiedUpload proxiedUpload(UploadAdmission admission, Assets assets, ObjectStore store, PromoteAsset promote,
                                Clock clock, LifecycleSettings settings) {
        return new ProxiedUpload(admission, assets, store, promote, clock, settings.proxiedMaxBytes(),
                settings.completeWait());
    }

    @Singleton
    GetUpload getUpload(UploadSessions sessions, MultipartStore multipart, Clock clock) {
        return new GetUpload(sessions, multipart, clock);
    }

    @Singleton
    DeliverAsset deliverAsset(Assets assets, ObjectStore store, Profiles profiles,
                              @Value("${stowage.delivery.public-base-url:}") String publicBaseUrl) {
        // A public base URL (a CDN in front of the bucket) ends with '/', so keys resolve below it.
        return new DeliverAsset(assets, store, profiles, publicBaseUrl.isBlank() ? Optional.empty()
                : Optional.of(URI.create(publicBaseUrl.endsWith("/") ? publicBaseUrl : publicBaseUrl + "/")));
    }

    @Singleton
    GetAsset getAsset(Assets assets, Profiles profiles) {
        return new GetAsset(assets, profiles);
    }
}

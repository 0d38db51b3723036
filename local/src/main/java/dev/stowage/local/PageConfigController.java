package dev.stowage.local;

import dev.stowage.domain.profile.Profile;
import dev.stowage.domain.profile.Profiles;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * {@code GET /local/config.json}: what the upload page needs to start, the launcher's dev token and the
 * configured profiles. It exists only in the launcher; on AWS a client brings its own token.
 */
@Controller("/local")
public class PageConfigController {

    /** The page's starting point. */
    @Serdeable
    record PageConfig(String token, List<ProfileSummary> profiles) {}

    /** A profile as the page shows it: a hint, the server still decides. */
    @Serdeable
    record ProfileSummary(String name, List<String> allowedContentTypes, long maxBytes) {
        static ProfileSummary of(Profile p) {
            return new ProfileSummary(p.name(), p.allowedContentTypes().stream().sorted().toList(), p.maxBytes());
        }
    }

    private final LocalStack stack;
    private final Profiles profiles;

    PageConfigController(LocalStack stack, Profiles profiles) {
        this.stack = stack;
        this.profiles = profiles;
    }

    @Get("/config.json")
    PageConfig config() {
        return new PageConfig(stack.devToken(), profiles.all().stream().map(ProfileSummary::of).toList());
    }
}

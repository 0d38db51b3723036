package dev.stowage.local;

import dev.stowage.domain.profile.Profile;
import dev.stowage.domain.profile.Profiles;
import io.micronaut.context.annotation.Property;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;

/**
 * {@code GET /local/config.json}: what the upload page needs to start, the launcher's dev token and the
 * configured profiles. It exists only in the launcher; on AWS a client brings its own token.
 */
@Controller("/local")
@Tag(name = "local")
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

    private final String devToken;
    private final Profiles profiles;

    PageConfigController(@Property(name = LocalStack.DEV_TOKEN_PROPERTY) String devToken, Profiles profiles) {
        this.devToken = devToken;
        this.profiles = profiles;
    }

    @Get("/config.json")
    PageConfig config() {
        return new PageConfig(devToken, profiles.all().stream()
                // A streaming profile's bytes go to the provider, not through this page's bucket uploads.
                .filter(profile -> profile.streaming().isEmpty()).map(ProfileSummary::of).toList());
    }
}

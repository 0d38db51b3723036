package dev.stowage.domain.profile;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The configured profiles, by name. */
public final class Profiles {
    private final Map<String, Profile> byName = new LinkedHashMap<>();

    public Profiles(Collection<Profile> profiles) {
        for (Profile p : profiles) {
            if (byName.putIfAbsent(p.name(), p) != null) {
                throw new IllegalArgumentException("duplicate profile " + p.name());
            }
        }
    }

    public Optional<Profile> find(String name) {
        return Optional.ofNullable(name).map(byName::get);
    }

    public Collection<Profile> all() {
        return byName.values();
    }
}

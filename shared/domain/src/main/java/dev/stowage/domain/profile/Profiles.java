package dev.stowage.domain.profile;

import dev.stowage.domain.variant.Variant;
import java.util.Collection;
import java.util.List;
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

    /** What profile {@code profile} says variant {@code name} is today, if it still has one by that name. */
    public Optional<VariantSpec> variant(String profile, String name) {
        return find(profile).flatMap(p -> p.variants().stream().filter(v -> v.name().equals(name)).findFirst());
    }

    /** An asset's variants as callers see them under today's recipes: a ready one of an old recipe is stale. */
    public List<Variant> current(String profile, List<Variant> variants) {
        return variants.stream().map(v -> v.under(variant(profile, v.name()))).toList();
    }
}

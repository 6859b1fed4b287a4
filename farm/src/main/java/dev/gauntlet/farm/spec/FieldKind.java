package dev.gauntlet.farm.spec;

import java.util.List;

/** The generators a resource field can use; the names are the YAML values. */
public final class FieldKind {
    private FieldKind() {}

    public static final List<String> NAMES = List.of(
            "id",
            "uuid",
            "company",
            "name",
            "first_name",
            "last_name",
            "email",
            "word",
            "sentence",
            "money",
            "int",
            "bool",
            "timestamp",
            "date",
            "url",
            "phone",
            "city",
            "country",
            "status",
            "float");

    public static boolean isKnown(String kind) {
        return kind != null && NAMES.contains(kind);
    }
}

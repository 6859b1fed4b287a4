package dev.gauntlet.farm.spec;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One collection of records a service serves (Salesforce sObject, Stripe object, Mongo collection, table…).
 *
 * @param name        resource name (the sObject type, the table or collection name)
 * @param path        path below the service's base path; its meaning depends on the flavour
 * @param operations  which of list, get, create, update, delete are offered
 * @param fields      field name to generator (id, uuid, company, name, email, word, sentence, money, int, bool,
 *                    timestamp, date, url, phone, city, country)
 * @param count       how many records exist at start
 * @param idField     the field that identifies a record
 * @param pagination  page sizes for list
 * @param unique      fields with a unique index (PostgREST's unique column, MongoDB's unique index, a unique
 *                    Salesforce external id): a second record with the same value is refused, and the vendor's
 *                    upsert form finds-or-creates by them. Generated only as uuid or id, so seeded records are unique.
 */
public record ResourceSpec(
        String name,
        String path,
        List<Operation> operations,
        Map<String, String> fields,
        Integer count,
        String idField,
        PaginationSpec pagination,
        List<String> unique) {

    /** The operations a resource can offer. */
    public enum Operation {
        list,
        get,
        create,
        update,
        delete
    }

    public ResourceSpec {
        Check.text("resources[].name", name);
        path = Check.path("resources[].path", path == null ? "/" + name : path);
        operations = operations == null ? List.of(Operation.values()) : List.copyOf(operations);
        fields = fields == null ? new LinkedHashMap<>() : new LinkedHashMap<>(fields);
        for (var e : fields.entrySet()) {
            if (!FieldKind.isKnown(e.getValue())) {
                throw new IllegalArgumentException("resources[" + name + "].fields." + e.getKey()
                        + " has unknown generator '" + e.getValue() + "'; expected one of " + FieldKind.NAMES);
            }
        }
        fields = Collections.unmodifiableMap(fields);
        count = (int) Check.atLeast("resources[" + name + "].count", 0, count == null ? 100 : count);
        idField = idField == null ? "id" : idField;
        pagination = pagination == null ? PaginationSpec.DEFAULT : pagination;
        unique = unique == null ? List.of() : List.copyOf(unique);
        for (String u : unique) {
            Check.text("resources[" + name + "].unique[]", u);
            if (u.equals(idField)) {
                throw new IllegalArgumentException(
                        "resources[" + name + "].unique names the id field '" + u + "', which is unique already");
            }
            String generator = fields.get(u);
            if (generator != null && !generator.equals("uuid") && !generator.equals("id")) {
                throw new IllegalArgumentException("resources[" + name + "].unique field '" + u + "' is generated as '"
                        + generator + "', which repeats values; generate it as uuid or id (or leave it out of fields)");
            }
        }
        if (unique.size() != new HashSet<>(unique).size()) {
            throw new IllegalArgumentException("resources[" + name + "].unique lists a field twice: " + unique);
        }
    }

    public boolean offers(Operation op) {
        return operations.contains(op);
    }

    /** Page sizes of a list operation. */
    public record PaginationSpec(Integer pageSize, Integer maxPageSize) {
        public static final PaginationSpec DEFAULT = new PaginationSpec(null, null);

        public PaginationSpec {
            pageSize = (int) Check.atLeast("pagination.page_size", 1, pageSize == null ? 30 : pageSize);
            maxPageSize = (int) Check.atLeast(
                    "pagination.max_page_size", pageSize, maxPageSize == null ? Math.max(100, pageSize) : maxPageSize);
        }
    }
}

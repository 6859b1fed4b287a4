package dev.gauntlet.farm.vendor.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;

/**
 * How stored records look as Stripe objects: the fields and defaults of a customer or payment intent as the API
 * reference shows them, with seeded records (generated from the YAML's plain generators) turned into plausible values.
 */
final class StripeObjects {
    private StripeObjects() {}

    static final String CUSTOMER = "customer";
    static final String PAYMENT_INTENT = "payment_intent";

    /** Fields the farm keeps on a record for itself, never shown: the tombstone flag and the last write's time (ms). */
    static final String DELETED = "deleted";

    static final String WRITTEN_AT = "_written_at";

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    // Seeded records are spread over 2024 so that created follows creation order (an hour apart).
    private static final long SEED_EPOCH = 1_704_067_200L;

    private static final Map<String, String> PREFIXES = Map.of(
            CUSTOMER,
            "cus",
            PAYMENT_INTENT,
            "pi",
            "charge",
            "ch",
            "refund",
            "re",
            "invoice",
            "in",
            "subscription",
            "sub",
            "product",
            "prod",
            "price",
            "price",
            "payment_method",
            "pm",
            "setup_intent",
            "seti");

    // The country generator's codes, read as the currency of that country.
    private static final Map<String, String> CURRENCY_OF = Map.of(
            "PT", "eur", "NO", "nok", "US", "usd", "KE", "kes", "JP", "jpy", "FR", "eur", "CA", "cad", "EE", "eur",
            "ZA", "zar", "AU", "aud");

    static final Set<String> PI_STATUSES = Set.of(
            "requires_payment_method",
            "requires_confirmation",
            "requires_action",
            "processing",
            "requires_capture",
            "canceled",
            "succeeded");

    // The generic status generator's values, read as payment-intent statuses.
    private static final Map<String, String> PI_STATUS_OF = Map.of(
            "active",
            "succeeded",
            "pending",
            "requires_payment_method",
            "closed",
            "canceled",
            "open",
            "requires_confirmation",
            "archived",
            "succeeded");

    /** Parameters Stripe accepts on create and update (docs.stripe.com/api/customers/create, …/payment_intents/create). */
    static final Set<String> CUSTOMER_PARAMS = Set.of(
            "address",
            "balance",
            "cash_balance",
            "coupon",
            "description",
            "email",
            "expand",
            "invoice_prefix",
            "invoice_settings",
            "metadata",
            "name",
            "next_invoice_sequence",
            "payment_method",
            "phone",
            "preferred_locales",
            "promotion_code",
            "shipping",
            "source",
            "tax",
            "tax_exempt",
            "tax_id_data",
            "test_clock",
            "default_source");

    static final Set<String> PAYMENT_INTENT_PARAMS = Set.of(
            "amount",
            "currency",
            "application_fee_amount",
            "automatic_payment_methods",
            "capture_method",
            "confirm",
            "confirmation_method",
            "confirmation_token",
            "customer",
            "description",
            "error_on_requires_action",
            "expand",
            "mandate",
            "mandate_data",
            "metadata",
            "off_session",
            "on_behalf_of",
            "payment_method",
            "payment_method_configuration",
            "payment_method_data",
            "payment_method_options",
            "payment_method_types",
            "radar_options",
            "receipt_email",
            "return_url",
            "setup_future_usage",
            "shipping",
            "statement_descriptor",
            "statement_descriptor_suffix",
            "transfer_data",
            "transfer_group",
            "use_stripe_sdk");
    static final Set<String> CONFIRM_PARAMS = Set.of(
            "capture_method",
            "confirmation_token",
            "error_on_requires_action",
            "expand",
            "mandate",
            "mandate_data",
            "off_session",
            "payment_method",
            "payment_method_data",
            "payment_method_options",
            "payment_method_types",
            "radar_options",
            "receipt_email",
            "return_url",
            "setup_future_usage",
            "shipping",
            "use_stripe_sdk");
    static final Set<String> CANCEL_PARAMS = Set.of("cancellation_reason", "expand");
    static final Set<String> CANCELLATION_REASONS =
            Set.of("duplicate", "fraudulent", "requested_by_customer", "abandoned");

    /**
     * The filters a list of this resource takes besides limit, starting_after, ending_before, created and expand
     * (docs.stripe.com/api/customers/list, …/payment_intents/list); other resources take both of the built-in ones'.
     */
    static Set<String> listFilters(String resource) {
        return switch (resource) {
            case CUSTOMER -> Set.of("email", "test_clock");
            case PAYMENT_INTENT -> Set.of("customer");
            default -> Set.of("email", "customer");
        };
    }

    static String prefix(String resource) {
        String p = PREFIXES.get(resource);
        if (p != null) return p;
        return resource.length() <= 4 ? resource : resource.substring(0, 4);
    }

    /** The parameters a create or update of this resource accepts, or null when the farm does not police them. */
    static Set<String> params(String resource) {
        return switch (resource) {
            case CUSTOMER -> CUSTOMER_PARAMS;
            case PAYMENT_INTENT -> PAYMENT_INTENT_PARAMS;
            default -> null;
        };
    }

    /** The creation time of a record: stored for records created through the API, derived from the id for seeded ones. */
    static long created(ObjectNode record, String idField) {
        JsonNode c = record.get("created");
        if (c != null && c.canConvertToLong()) return c.asLong();
        long seq = StripeVendor.seqOf(record.path(idField).asText());
        return SEED_EPOCH + Math.max(0, seq) * 3600;
    }

    /** A payment intent's status, with seeded values read as Stripe statuses. */
    static String status(ObjectNode record) {
        String s = record.path("status").asText("requires_payment_method");
        if (PI_STATUSES.contains(s)) return s;
        return PI_STATUS_OF.getOrDefault(s, "requires_payment_method");
    }

    static boolean isDeleted(ObjectNode record) {
        return record.path(DELETED).asBoolean(false);
    }

    /** The object as Stripe returns it. */
    static ObjectNode render(String resource, ObjectNode record, String idField) {
        String id = record.path(idField).asText();
        ObjectNode out = F.objectNode();
        out.put("id", id);
        out.put("object", resource);
        if (isDeleted(record)) {
            out.put("deleted", true);
            return out;
        }
        switch (resource) {
            case CUSTOMER -> customer(out, id, created(record, idField));
            case PAYMENT_INTENT -> paymentIntent(out, record, id, created(record, idField));
            default -> {
                out.put("created", created(record, idField));
                out.put("livemode", false);
                out.set("metadata", F.objectNode());
            }
        }
        // Whatever else the caller stored shows as given (Stripe echoes every accepted parameter).
        record.properties().forEach(e -> {
            String k = e.getKey();
            if (k.equals(idField)
                    || k.equals(DELETED)
                    || k.equals(WRITTEN_AT)
                    || k.equals("created")
                    || k.equals("object")) return;
            if (resource.equals(PAYMENT_INTENT) && (k.equals("currency") || k.equals("status") || k.equals("amount")))
                return;
            out.set(k, e.getValue());
        });
        return out;
    }

    private static void customer(ObjectNode out, String id, long created) {
        out.putNull("address");
        out.put("balance", 0);
        out.put("created", created);
        out.putNull("currency");
        out.putNull("default_source");
        out.put("delinquent", false);
        out.putNull("description");
        out.putNull("discount");
        out.putNull("email");
        out.put("invoice_prefix", id.length() > 12 ? id.substring(4, 12).toUpperCase() : id.toUpperCase());
        ObjectNode settings = out.putObject("invoice_settings");
        settings.putNull("custom_fields");
        settings.putNull("default_payment_method");
        settings.putNull("footer");
        settings.putNull("rendering_options");
        out.put("livemode", false);
        out.putObject("metadata");
        out.putNull("name");
        out.put("next_invoice_sequence", 1);
        out.putNull("phone");
        out.putArray("preferred_locales");
        out.putNull("shipping");
        out.put("tax_exempt", "none");
        out.putNull("test_clock");
    }

    private static void paymentIntent(ObjectNode out, ObjectNode record, String id, long created) {
        long amount = Math.max(50, record.path("amount").asLong(0));
        String status = status(record);
        out.put("amount", amount);
        out.put("amount_capturable", status.equals("requires_capture") ? amount : 0);
        out.put("amount_received", status.equals("succeeded") ? amount : 0);
        out.putNull("application");
        out.putNull("application_fee_amount");
        out.putNull("automatic_payment_methods");
        out.putNull("canceled_at");
        out.putNull("cancellation_reason");
        out.put("capture_method", "automatic");
        out.put("client_secret", id + "_secret_" + (id.length() > 3 ? id.substring(3) : id) + "Gt");
        out.put("confirmation_method", "automatic");
        out.put("created", created);
        out.put("currency", currency(record.path("currency").asText("usd")));
        out.putNull("customer");
        out.putNull("description");
        out.putNull("last_payment_error");
        out.putNull("latest_charge");
        out.put("livemode", false);
        out.putObject("metadata");
        out.putNull("next_action");
        out.putNull("on_behalf_of");
        out.putNull("payment_method");
        out.putObject("payment_method_options");
        out.putArray("payment_method_types").add("card");
        out.putNull("processing");
        out.putNull("receipt_email");
        out.putNull("review");
        out.putNull("setup_future_usage");
        out.putNull("shipping");
        out.putNull("statement_descriptor");
        out.putNull("statement_descriptor_suffix");
        out.put("status", status);
        out.putNull("transfer_data");
        out.putNull("transfer_group");
    }

    private static String currency(String stored) {
        String mapped = CURRENCY_OF.get(stored);
        return mapped != null ? mapped : stored.toLowerCase();
    }
}

/**
 * The Adaptive API Mesh as a library. Exported: the facade ({@code Mesh}, {@code Connector}, {@code ConnectorSpec}),
 * the values of a call ({@code call}), the configs, events and data records of each concept, and the SPIs a user
 * implements ({@code vendor}, {@code store}, {@code pipeline}'s {@code Stage}). The machinery under
 * {@code dev.gauntlet.mesh.internal} is not exported; the built-in vendors are found through {@code ServiceLoader}.
 */
module dev.gauntlet.mesh {
    requires transitive com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires transitive java.net.http;
    requires transitive micrometer.core;
    requires java.sql;
    requires io.github.bucket4j.core;
    requires io.github.resilience4j.circuitbreaker;
    requires io.github.resilience4j.core;
    requires HdrHistogram;
    requires org.slf4j;
    requires org.xerial.sqlitejdbc;
    requires flyway.core;
    requires com.zaxxer.hikari;
    requires org.postgresql.jdbc;
    requires lettuce.core;

    exports dev.gauntlet.mesh;
    exports dev.gauntlet.mesh.call;
    exports dev.gauntlet.mesh.auth;
    exports dev.gauntlet.mesh.circuit;
    exports dev.gauntlet.mesh.classify;
    exports dev.gauntlet.mesh.dlq;
    exports dev.gauntlet.mesh.drift;
    exports dev.gauntlet.mesh.egress;
    exports dev.gauntlet.mesh.event;
    exports dev.gauntlet.mesh.idempotency;
    exports dev.gauntlet.mesh.limit;
    exports dev.gauntlet.mesh.metrics;
    exports dev.gauntlet.mesh.pipeline;
    exports dev.gauntlet.mesh.retry;
    exports dev.gauntlet.mesh.store;
    exports dev.gauntlet.mesh.time;
    exports dev.gauntlet.mesh.vendor;

    uses dev.gauntlet.mesh.vendor.Vendor;

    provides dev.gauntlet.mesh.vendor.Vendor with
            dev.gauntlet.mesh.internal.vendor.RestVendor,
            dev.gauntlet.mesh.internal.vendor.SalesforceVendor,
            dev.gauntlet.mesh.internal.vendor.StripeVendor,
            dev.gauntlet.mesh.internal.vendor.GitHubVendor,
            dev.gauntlet.mesh.internal.vendor.SupabaseVendor,
            dev.gauntlet.mesh.internal.vendor.MongoVendor,
            dev.gauntlet.mesh.internal.vendor.DatadogVendor;
}

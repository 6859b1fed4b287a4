package dev.gauntlet.farm.vendor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.auth.TokenStore;
import dev.gauntlet.farm.data.ResourceStore;
import dev.gauntlet.farm.drift.DriftEngine;
import dev.gauntlet.farm.spec.ServiceSpec;
import java.util.Map;

/**
 * What a vendor sees of one running service: its spec, records, tokens and drift state. The runtime implements it, so
 * vendors depend on this package and never on the runtime that loads them.
 */
public interface Service {

    /** The service's id (the YAML's {@code id:}). */
    String id();

    /** The service as its YAML declares it. */
    ServiceSpec spec();

    /** The vendor that renders this service's answers. */
    Vendor vendor();

    /** The records of one resource; an unknown resource is an IllegalArgumentException. */
    ResourceStore store(String resource);

    /** Every resource's records by resource name. */
    Map<String, ResourceStore> stores();

    /** The service's issued tokens. */
    TokenStore tokens();

    /** The service's schema drift state. */
    DriftEngine drift();

    /** The record as the service shows it now (schema drift applied). */
    ObjectNode present(String resource, ObjectNode record);
}

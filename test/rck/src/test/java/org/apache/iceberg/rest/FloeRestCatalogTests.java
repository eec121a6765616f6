/*
 * The REST Compatibility Kit's catalog tests against floe serve: Iceberg's CatalogTests, run
 * through a RESTCatalog configured by the kit's RCKUtils (CATALOG_* environment variables and
 * system properties). It lives in org.apache.iceberg.rest because RCKUtils is package-private.
 *
 * The capability switches read the same rck.* properties as the kit, so a run can state what
 * the server supports without changing this file. View tests are not run: floe serves no view
 * endpoints.
 */
package org.apache.iceberg.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.iceberg.catalog.CatalogTests;
import org.apache.iceberg.util.PropertyUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

public class FloeRestCatalogTests extends CatalogTests<RESTCatalog> {
  private static RESTCatalog client;

  @BeforeAll
  static void connect() {
    client = RCKUtils.initCatalogClient();
    // the kit drops its own namespaces between tests: a catalog that already has them is not a fresh one
    assertThat(client.listNamespaces())
        .withFailMessage("the catalog already holds test namespaces %s", RCKUtils.TEST_NAMESPACES)
        .doesNotContainAnyElementsOf(RCKUtils.TEST_NAMESPACES);
  }

  @BeforeEach
  void dropTestNamespaces() {
    RCKUtils.purgeCatalogTestEntries(client);
  }

  @AfterAll
  static void disconnect() throws Exception {
    client.close();
  }

  @Override
  protected RESTCatalog catalog() {
    return client;
  }

  @Override
  protected RESTCatalog initCatalog(String catalogName, Map<String, String> additionalProperties) {
    return RCKUtils.initCatalogClient(additionalProperties);
  }

  private static boolean flag(String name, boolean fallback) {
    return PropertyUtil.propertyAsBoolean(client.properties(), name, fallback);
  }

  @Override
  protected boolean requiresNamespaceCreate() {
    return flag("rck.requires-namespace-create", super.requiresNamespaceCreate());
  }

  @Override
  protected boolean supportsServerSideRetry() {
    return flag("rck.supports-serverside-retry", true);
  }

  @Override
  protected boolean overridesRequestedLocation() {
    return flag("rck.overrides-requested-location", false);
  }

  @Override
  protected boolean supportsNamesWithDot() {
    return flag("rck.supports-names-with-dot", false);
  }

  @Override
  protected boolean supportsNestedNamespaces() {
    return flag("rck.supports-nested-namespaces", super.supportsNestedNamespaces());
  }

  @Override
  protected boolean supportsNamesWithSlashes() {
    return flag("rck.supports-names-with-slashes", false);
  }

  @Disabled("a per-client catalog property; a REST server chooses table locations itself (the kit disables it too)")
  @Test
  @Override
  public void createTableInUniqueLocation() {
    super.createTableInUniqueLocation();
  }
}

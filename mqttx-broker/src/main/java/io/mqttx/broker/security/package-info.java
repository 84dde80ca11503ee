/**
 * Authentication and topic authorization.
 *
 * <p>The broker core asks two interfaces: {@link io.mqttx.broker.security.Authenticator} once per CONNECT
 * (asynchronously; an error or timeout refuses), and {@link io.mqttx.broker.security.Authorizer} at PUBLISH (write),
 * at SUBSCRIBE (read, with the filter inside {@code $share/<group>/}), at delivery (read, so that revoked rights and
 * taken-over client ids take effect on existing subscriptions and queued messages) and when a will is published.
 *
 * <p>{@link io.mqttx.broker.security.SecurityFactory} builds both from
 * {@link io.mqttx.broker.security.SecuritySettings}:
 * <ul>
 *   <li>authentication: a {@link io.mqttx.broker.security.PasswordFile} of PBKDF2-SHA512 hashes (managed with
 *       {@link io.mqttx.broker.security.PasswordFileTool}), or MQTTX's HTTP hook
 *       ({@link io.mqttx.broker.security.HttpAuthenticator}); clients without a username are refused unless
 *       anonymous access is on;</li>
 *   <li>authorization, when {@code enable-topic-sub-pub-secure} is on: Mosquitto-style
 *       {@link io.mqttx.broker.security.AclRules} plus the topic lists the hook returned, decided by
 *       {@link io.mqttx.broker.security.AclAuthorizer} (deny first, nothing matching = denied).</li>
 * </ul>
 * Everything fails closed: a configuration that cannot be used refuses to build, and an authenticator that cannot
 * decide refuses the client.
 */
package io.mqttx.broker.security;

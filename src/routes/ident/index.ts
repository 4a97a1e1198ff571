// The financeIDENT device API (JSON): enrolment, listing approvals, answering them, managing devices.
import Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { approvalForDevice } from '../../services/approval-record.js';
import { DEVICE_TOKEN_TYP } from '../../services/device-auth.js';
import { PLATFORMS } from '../../domain/device.js';
import { AppError } from '../../shared/errors.js';
import type { IdentDeps } from './ident-deps.js';
import { deviceToken, validBody } from './validate.js';

const startSchema = z.object({
  loginId: z.string().min(1).max(254),
  password: z.string().min(1).max(1024),
  /** Optional: checked before the activation SMS is sent (an app on a too old OS gets no code it cannot use). */
  platform: z.enum(PLATFORMS).optional(),
  osVersion: z.string().trim().min(1).max(20).optional(),
});
const b64url = z.string().regex(/^[A-Za-z0-9_-]+$/);
const pushSubscriptionSchema = z.object({ endpoint: z.url().startsWith('https://').max(2048), keys: z.object({ p256dh: b64url.max(200), auth: b64url.max(100) }) });
const pushSchema = z.object({ pushSubscription: pushSubscriptionSchema.nullable() });
const completeSchema = z.object({
  code: z.string().regex(/^\d{4,10}$/),
  publicKeyJwk: z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: b64url.length(43), y: b64url.length(43) }).loose(),
  pushSubscription: z
    .object({ endpoint: z.url().startsWith('https://').max(2048), keys: z.object({ p256dh: b64url.max(200), auth: b64url.max(100) }) })
    .nullable()
    .optional(),
  name: z.string().trim().min(1).max(100),
  platform: z.enum(PLATFORMS),
  osVersion: z.string().trim().min(1).max(20),
  /** Platform 'web' only (and required there): the WebAuthn registration (RegistrationResponseJSON). */
  webauthn: z
    .object({
      id: b64url.max(1400),
      rawId: b64url.max(1400),
      type: z.literal('public-key'),
      response: z.object({ clientDataJSON: b64url.max(4000), attestationObject: b64url.max(8000), transports: z.array(z.string().max(20)).max(10).optional() }).loose(),
      clientExtensionResults: z.object({}).loose().default({}),
      authenticatorAttachment: z.string().max(30).optional(),
    })
    .loose()
    .nullable()
    .optional(),
});
const webauthnDecisionQuery = z.object({
  decision: z.enum(['approve', 'deny']),
  number: z.string().max(10).optional(),
  notMe: z.enum(['0', '1', 'true', 'false']).optional(),
});
const webauthnDecisionSchema = z.object({
  decision: z.enum(['approve', 'deny']),
  number: z.string().max(10).nullable().optional(),
  notMe: z.boolean().optional(),
  assertion: z
    .object({
      id: b64url.max(1400),
      rawId: b64url.max(1400),
      type: z.literal('public-key'),
      response: z.object({ clientDataJSON: b64url.max(4000), authenticatorData: b64url.max(4000), signature: b64url.max(1000), userHandle: b64url.max(200).optional() }).loose(),
      clientExtensionResults: z.object({}).loose().default({}),
      authenticatorAttachment: z.string().max(30).optional(),
    })
    .loose(),
});
const decisionSchema = z.object({ token: z.string().min(20).max(4096) });

export function identRoutes(deps: IdentDeps, json: Middleware[]): Router {
  const router = new Router({ prefix: '/ident/api' });

  router.post('/enrolments', ...json, async (ctx) => {
    const body = validBody(ctx, startSchema);
    const device = body.platform && body.osVersion ? { platform: body.platform, osVersion: body.osVersion } : undefined;
    const lang = (ctx.state.page as { lang?: 'de' | 'en' } | undefined)?.lang;
    const started = await deps.enrolment.start({ loginId: body.loginId, password: body.password, ip: ctx.ip, ...(device ? { device } : {}), ...(lang ? { lang } : {}) });
    // 201: the provider accepted the SMS; 202: no answer from it (delivery 'unknown'): the code may still arrive.
    ctx.status = started.delivery === 'sent' ? 201 : 202;
    ctx.body = {
      enrolmentId: started.enrolmentId,
      mobile: started.mobileMasked,
      expiresAt: new Date(started.expiresAt).toISOString(),
      codeLength: deps.codeDigits,
      delivery: started.delivery,
    };
  });

  router.post('/enrolments/:id/webauthn-options', ...json, async (ctx) => {
    ctx.body = await deps.enrolment.webauthnOptions(ctx.params.id!);
  });

  router.post('/enrolments/:id/complete', ...json, async (ctx) => {
    const body = validBody(ctx, completeSchema);
    const { device, account } = await deps.enrolment.complete({
      enrolmentId: ctx.params.id!,
      code: body.code,
      publicKeyJwk: body.publicKeyJwk,
      pushSubscription: body.pushSubscription ?? null,
      name: body.name,
      platform: body.platform,
      osVersion: body.osVersion,
      ip: ctx.ip,
      webauthn: (body.webauthn ?? null) as RegistrationResponseJSON | null,
    });
    ctx.status = 201;
    ctx.body = { deviceId: device.id, account: { accessNumber: account.accessNumber, name: account.name } };
  });

  router.get('/approvals', ...json, async (ctx) => {
    const { device } = await deps.deviceAuth.verify(deviceToken(ctx), DEVICE_TOKEN_TYP);
    const pending = await deps.approvals.listPending(device.accountId);
    ctx.body = { approvals: pending.map(approvalForDevice) };
  });

  // Each kind of answer is verified by its own verifier; the approval service accepts the verified answer once.
  router.post('/approvals/:id/decision', ...json, async (ctx) => {
    const { token } = validBody(ctx, decisionSchema);
    const answer = await deps.answers.deviceKey.verify(token, ctx.params.id!);
    const approval = await deps.approvals.accept(answer, ctx.ip);
    ctx.body = { id: approval.id, status: approval.status };
  });

  router.get('/approvals/:id/webauthn-options', ...json, async (ctx) => {
    const { device } = await deps.deviceAuth.verify(deviceToken(ctx), DEVICE_TOKEN_TYP);
    const parsed = webauthnDecisionQuery.safeParse(ctx.query);
    if (!parsed.success) throw new AppError('api.invalidBody', 400, { field: parsed.error.issues[0]?.path.join('.') || '(query)' });
    const { decision, number, notMe } = parsed.data;
    ctx.body = await deps.answers.webauthn.options(device, ctx.params.id!, { decision, number: number ?? null, notMe: notMe === '1' || notMe === 'true' });
  });

  router.post('/approvals/:id/webauthn-decision', ...json, async (ctx) => {
    const { device } = await deps.deviceAuth.verify(deviceToken(ctx), DEVICE_TOKEN_TYP);
    const body = validBody(ctx, webauthnDecisionSchema);
    const choice = { decision: body.decision, number: body.number ?? null, notMe: body.notMe ?? false };
    const answer = await deps.answers.webauthn.verify(device, ctx.params.id!, choice, body.assertion as unknown as AuthenticationResponseJSON);
    const decided = await deps.approvals.accept(answer, ctx.ip);
    ctx.body = { id: decided.id, status: decided.status };
  });

  router.get('/devices', ...json, async (ctx) => {
    const { device } = await deps.deviceAuth.verify(deviceToken(ctx), DEVICE_TOKEN_TYP);
    const list = await deps.devices.list(device.accountId);
    ctx.body = {
      devices: list.map((d) => ({
        id: d.id,
        name: d.name,
        platform: d.platform,
        osVersion: d.osVersion,
        createdAt: new Date(d.createdAt).toISOString(),
        push: d.pushSubscription !== null,
        current: d.id === device.id,
      })),
    };
  });

  // Notifications turned on (or off) after enrolment: only the device itself sets its own subscription.
  router.put('/devices/:id/push', ...json, async (ctx) => {
    const { device } = await deps.deviceAuth.verify(deviceToken(ctx), DEVICE_TOKEN_TYP);
    if (ctx.params.id !== device.id) throw new AppError('device.notFound', 404);
    const { pushSubscription } = validBody(ctx, pushSchema);
    await deps.devices.setPushSubscription(device.id, pushSubscription);
    ctx.body = { id: device.id, push: pushSubscription !== null };
  });

  router.delete('/devices/:id', ...json, async (ctx) => {
    const { device } = await deps.deviceAuth.verify(deviceToken(ctx), DEVICE_TOKEN_TYP);
    await deps.devices.remove(device.accountId, ctx.params.id!, { accountId: device.accountId, ip: ctx.ip });
    ctx.status = 204;
  });

  return router;
}

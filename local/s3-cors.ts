/**
 * The local S3's CORS rule for the web console: a page served from a
 * loopback origin may GET and PUT objects through presigned links (the
 * browser's preflight is answered here), as a bucket CORS rule would allow
 * the console's origin on AWS.
 */
import type { buildApp } from 'fauxqs';

const LOOPBACK_ORIGIN = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}$/;

export const allowConsoleCors = (app: ReturnType<typeof buildApp>): void => {
  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || !LOOPBACK_ORIGIN.test(origin)) return done();
    reply.header('access-control-allow-origin', origin);
    reply.header('vary', 'Origin');
    reply.header('access-control-expose-headers', 'ETag');
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method']) {
      reply
        .header('access-control-allow-methods', 'GET, PUT, HEAD')
        .header('access-control-allow-headers', 'content-type')
        .header('access-control-max-age', '600')
        .code(204)
        .send();
      return;
    }
    done();
  });
};

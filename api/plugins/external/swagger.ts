import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

/** The OpenAPI description of the routes registered after it, and its pages under /docs. */
export default fp(async (app) => {
  await app.register(swagger, {
    openapi: {
      // 3.1: JSON Schema as TypeBox writes it (type lists such as the error body's params are 3.1, not 3.0)
      openapi: '3.1.0',
      info: { title: 'e-ISO platform API', description: 'Quy trình ISO điện tử và một cửa trên Zeebe / e-ISO processes on Zeebe', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
});

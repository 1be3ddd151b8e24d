/**
 * GraphQL Code Generator: typed documents for the operations the tests send, from the committed
 * schema.graphql (client preset). The generator and `npm run codegen` arrive with the schema work;
 * until then there are no operations to type.
 */
const config = {
  schema: 'schema.graphql',
  documents: ['test/**/*.graphql'],
  ignoreNoDocuments: true,
  generates: {
    'test/generated/': {
      preset: 'client',
      config: { useTypeImports: true, enumsAsTypes: true },
    },
  },
};

export default config;

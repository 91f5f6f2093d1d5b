import { cliSuite } from '../helpers/cli-suite';

cliSuite('pglite');

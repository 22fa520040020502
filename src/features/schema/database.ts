export { openDatabase, migrate, type Db } from '../../platform/db';

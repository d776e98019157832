export {openStore, parseStoreUrl} from './open.js'
export type {StoreLocation} from './open.js'
export {dataDir} from './data-dir.js'
export * from './types.js'

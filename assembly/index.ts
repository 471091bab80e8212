// ringbook core: everything exported here is callable from every thread that instantiates core.wasm over the
// shared memory. Functions documented "start-up only" allocate and belong to the engine instance alone.
export * from "./layout";
export * from "./record";
export * from "./ring";
export * from "./decimal";
export * from "./book";
export * from "./signals";
export * from "./engine";
export * from "./bench";
export * from "./frame";
export * from "./parquet";
export * from "./csv";

// The moto checks in the engine tier, after `npm run engine:setup` installed the pinned moto (motoGateway.spec.ts).
import "../motoGateway.spec";

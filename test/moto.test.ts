// The moto checks in the unit suite, when moto_server is here (see motoGateway.spec.ts).
import "./motoGateway.spec";
